// Forms whose address depends on a choice ("add to a case": the case picked in the list).
"use strict";
(function () {
  Array.prototype.forEach.call(document.querySelectorAll("form[data-action-template]"), function (form) {
    form.addEventListener("submit", function () {
      var choice = form.querySelector("select[name=case]");
      var id = choice ? choice.value : "";
      form.setAttribute("action", form.getAttribute("data-action-template").replace("{id}", encodeURIComponent(id)));
    });
  });
})();
