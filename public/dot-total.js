// Quorum: a running total under a dot vote's boxes, as people type. Only an enhancement: the
// ballot works without it, and the server checks the total either way. Written for old
// browsers too (no arrow functions, no NodeList.forEach). The total is announced politely, so
// a screen reader says it after the typing, not over it.
(function () {
  var group = document.getElementById('dots');
  if (!group || !group.getAttribute('data-total')) {
    return;
  }
  var most = parseInt(group.getAttribute('data-total'), 10);
  var boxes = group.querySelectorAll('input');
  var total = document.createElement('p');
  total.className = 'q-hint q-running-total';
  total.setAttribute('aria-live', 'polite');
  group.appendChild(total);
  function update() {
    var given = 0;
    for (var i = 0; i < boxes.length; i += 1) {
      var n = parseInt(boxes[i].value, 10);
      if (n > 0) {
        given += n;
      }
    }
    var words = 'You have given ' + given + ' of ' + most + ' dots.';
    if (given > most) {
      words += ' That is ' + (given - most) + ' too many.';
    }
    total.textContent = words;
  }
  for (var j = 0; j < boxes.length; j += 1) {
    boxes[j].addEventListener('input', update);
  }
  update();
})();
