// Drag and drop for the verify page: a file dropped anywhere on the page goes into the form's
// file input and the form is sent. Without this script the file input works as it is.
(function () {
  'use strict';
  var form = document.querySelector('form[data-drop-zone]');
  if (!form) return;
  var input = form.querySelector('input[type=file]');
  var status = form.querySelector('[data-drop-status]');
  if (!input) return;

  function hasFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    return types && Array.prototype.indexOf.call(types, 'Files') !== -1;
  }

  document.addEventListener('dragover', function (event) {
    if (!hasFiles(event)) return;
    event.preventDefault();
    form.classList.add('is-dragging');
  });
  document.addEventListener('dragleave', function (event) {
    if (event.relatedTarget === null) form.classList.remove('is-dragging');
  });
  document.addEventListener('drop', function (event) {
    if (!hasFiles(event)) return;
    event.preventDefault();
    form.classList.remove('is-dragging');
    var files = event.dataTransfer.files;
    if (!files || files.length === 0) return;
    var transfer = new DataTransfer();
    transfer.items.add(files[0]);
    input.files = transfer.files;
    if (status)
      status.textContent = (status.getAttribute('data-dropped-text') || '') + ' ' + files[0].name;
    form.requestSubmit();
  });
})();
