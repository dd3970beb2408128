// Quorum's progressive enhancements. Every page works in full without this script: the server
// checks every answer and says what to fix. Where it runs, it adds two things:
//
// 1. The GOV.UK character count, on every text box the server marks with `data-maxlength` (the
//    most characters it accepts). Under the field, a message says "You have 120 characters
//    remaining" or "You have 5 characters too many", updated at once as the person types, and
//    red when over. The field's `aria-describedby` gains that message, so a screen reader reads
//    the count with the field; the message itself is `aria-hidden`, so reading the page does not
//    meet it twice. The same words go into a visually hidden polite live region once typing
//    pauses, so the count is announced without interrupting every keystroke (as GOV.UK Frontend
//    does). The region starts empty: nothing is announced until the person types.
// 2. The dot vote's running total, after the boxes of a fieldset marked `data-dot-total`:
//    "5 of 8 dots used", or "9 of 8 dots used: 1 too many", in a polite status region, so a
//    screen reader hears it as the numbers change.
//
// No framework, no build step, no dependency: it is served as written, hashed and deferred,
// and it does nothing on a page without such fields. It never sets `maxlength`, which would
// cut pasted text without a word.
(function () {
  'use strict';

  if (!('querySelectorAll' in document) || !('classList' in document.documentElement)) return;

  // GOV.UK Frontend announces once the person has stopped typing for about a second.
  var ANNOUNCE_AFTER_MS = 1000;

  var numberFormat = window.Intl && Intl.NumberFormat ? new Intl.NumberFormat('en-GB') : null;

  function formatNumber(n) {
    return numberFormat ? numberFormat.format(n) : String(n);
  }

  function plural(n, one, many) {
    return formatNumber(n) + ' ' + (n === 1 ? one : many);
  }

  // The length as the server counts it: characters, not UTF-16 units (an emoji is one), and a
  // line break as the two characters (CR LF) a browser sends for it.
  function lengthAsSent(text) {
    var count = 0;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code >= 0xdc00 && code <= 0xdfff && i > 0) {
        var previous = text.charCodeAt(i - 1);
        if (previous >= 0xd800 && previous <= 0xdbff) continue;
      }
      count += code === 10 ? 2 : 1;
    }
    return count;
  }

  function countMessage(remaining) {
    if (remaining < 0) return 'You have ' + plural(-remaining, 'character', 'characters') + ' too many';
    return 'You have ' + plural(remaining, 'character', 'characters') + ' remaining';
  }

  function characterCount(field) {
    var max = parseInt(field.getAttribute('data-maxlength'), 10);
    if (!(max > 0) || !field.id) return;
    var errorClass = field.tagName === 'TEXTAREA' ? 'q-textarea--error' : 'q-input--error';

    var visible = document.createElement('div');
    visible.id = field.id + '-count';
    visible.className = 'q-character-count';
    visible.setAttribute('aria-hidden', 'true');

    var live = document.createElement('div');
    live.className = 'q-visually-hidden';
    live.setAttribute('aria-live', 'polite');

    field.insertAdjacentElement('afterend', visible);
    visible.insertAdjacentElement('afterend', live);
    var describedBy = field.getAttribute('aria-describedby');
    field.setAttribute('aria-describedby', (describedBy ? describedBy + ' ' : '') + visible.id);

    var timer = null;
    var announced = '';

    function message() {
      return countMessage(max - lengthAsSent(field.value));
    }

    function show() {
      var over = lengthAsSent(field.value) > max;
      visible.textContent = message();
      visible.classList.toggle('q-character-count--over', over);
      field.classList.toggle(errorClass, over);
    }

    function announce() {
      timer = null;
      var text = message();
      if (text !== announced) {
        announced = text;
        live.textContent = text;
      }
    }

    field.addEventListener('input', function () {
      show();
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(announce, ANNOUNCE_AFTER_MS);
    });
    // A page restored from the back-forward cache keeps what was typed: count it again.
    window.addEventListener('pageshow', show);
    show();
    // What the page first shows is not news: only changes after it are announced.
    announced = message();
  }

  function dotTotal(fieldset) {
    var total = parseInt(fieldset.getAttribute('data-dot-total'), 10);
    if (!(total > 0)) return;
    var boxes = fieldset.querySelectorAll('input');

    var status = document.createElement('p');
    status.className = 'q-dot-total';
    // role=status is a polite live region; aria-live is said as well for older screen readers.
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');

    function update() {
      var used = 0;
      for (var i = 0; i < boxes.length; i++) {
        // Only whole numbers count here; anything else the server explains when it is sent.
        var value = boxes[i].value.trim();
        if (/^[0-9]{1,9}$/.test(value)) used += parseInt(value, 10);
      }
      var text = formatNumber(used) + ' of ' + plural(total, 'dot', 'dots') + ' used';
      if (used > total) text += ': ' + formatNumber(used - total) + ' too many';
      if (status.textContent !== text) status.textContent = text;
      status.classList.toggle('q-dot-total--over', used > total);
    }

    // Filled in before it joins the page, so the first total is shown but not announced.
    update();
    fieldset.appendChild(status);
    fieldset.addEventListener('input', update);
    window.addEventListener('pageshow', update);
  }

  var fields = document.querySelectorAll('input[data-maxlength], textarea[data-maxlength]');
  for (var i = 0; i < fields.length; i++) characterCount(fields[i]);
  var ballots = document.querySelectorAll('fieldset[data-dot-total]');
  for (var j = 0; j < ballots.length; j++) dotTotal(ballots[j]);
})();
