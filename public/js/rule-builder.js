// Progressive enhancement of the rule builder: choosing another kind of condition or group shows
// its fields at once, by pressing the "show the fields" button next to the choice. Without
// JavaScript the teacher presses that button.
(function () {
  'use strict';
  document.querySelectorAll('select[data-builder-kind]').forEach(function (select) {
    var apply = select.parentElement && select.parentElement.querySelector('[data-builder-apply]');
    if (!apply) return;
    apply.hidden = true;
    select.addEventListener('change', function () {
      select.form.requestSubmit(apply);
    });
  });
})();
