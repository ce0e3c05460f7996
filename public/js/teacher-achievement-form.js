// Progressive enhancement of the achievement form: "Add a learning outcome" copies the last
// (empty) outcome row with the next index. Without JavaScript the form has spare rows.
(function () {
  'use strict';
  var button = document.querySelector('[data-add-row="outcome"]');
  var list = document.querySelector('[data-add-rows="outcome"]');
  if (!button || !list) return;
  var legendTemplate = list.getAttribute('data-legend') || '';
  button.hidden = false;
  button.addEventListener('click', function () {
    var rows = list.querySelectorAll('.outcome-row');
    var last = rows[rows.length - 1];
    if (!last) return;
    var index = rows.length;
    var copy = last.cloneNode(true);
    var renumber = function (value) {
      return value.replace(/outcomes\.\d+\./g, 'outcomes.' + index + '.');
    };
    copy.querySelectorAll('[id], [name], [for], [aria-describedby]').forEach(function (element) {
      ['id', 'name', 'for', 'aria-describedby'].forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, renumber(value));
      });
    });
    copy.querySelectorAll('textarea, input').forEach(function (field) {
      field.value = '';
      field.removeAttribute('aria-invalid');
      var described = (field.getAttribute('aria-describedby') || '')
        .split(' ')
        .filter(function (id) {
          return id !== '' && id.indexOf('error-') !== 0;
        })
        .join(' ');
      if (described) field.setAttribute('aria-describedby', described);
      else field.removeAttribute('aria-describedby');
    });
    copy.querySelectorAll('.field-invalid').forEach(function (element) {
      element.classList.remove('field-invalid');
    });
    copy.querySelectorAll('.field-error, .esco-links').forEach(function (element) {
      element.remove();
    });
    var legend = copy.querySelector('legend');
    if (legend && legendTemplate)
      legend.textContent = legendTemplate.replace('{{number}}', String(index + 1));
    list.appendChild(copy);
    var first = copy.querySelector('textarea');
    if (first) first.focus();
  });
})();
