// The customer's order status page: asks for confirmation before an action, sends it as JSON
// (POST {page}/{action}), then reloads the page with the result. Served from /status/assets/ so
// that the page's Content-Security-Policy can forbid inline script.
'use strict';
(function () {
  const dialog = document.getElementById('confirm');
  const text = document.getElementById('confirm-text');
  const ok = document.getElementById('confirm-ok');
  const no = document.getElementById('confirm-no');
  const message = document.getElementById('message');
  const errorText = document.getElementById('error-text');
  const lang = document.documentElement.lang || 'en';
  const page = location.pathname.replace(/\/+$/, '');
  let pending = null;

  // Instants in the reader's own time zone.
  for (const t of document.querySelectorAll('time[data-local]')) {
    const d = new Date(t.dateTime);
    if (!isNaN(d)) {
      t.textContent = d.toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' });
    }
  }

  function say(msg, isError) {
    message.textContent = msg;
    message.classList.toggle('error', !!isError);
    message.hidden = false;
  }

  const buttons = document.querySelectorAll('button[data-action]');
  for (const b of buttons) {
    b.hidden = false;
    b.addEventListener('click', () => {
      pending = b;
      text.textContent = b.dataset.confirm || '';
      if (typeof dialog.showModal === 'function') {
        dialog.showModal();
        no.focus();
      } else if (window.confirm(text.textContent)) {
        run(b);
      }
    });
  }
  no.addEventListener('click', () => { pending = null; dialog.close('no'); });
  dialog.addEventListener('cancel', () => { pending = null; });
  ok.addEventListener('click', () => {
    const b = pending;
    pending = null;
    dialog.close('ok');
    if (b) run(b);
  });

  async function run(b) {
    for (const x of buttons) x.disabled = true;
    const body = b.dataset.line ? { lines: [b.dataset.line] } : {};
    try {
      const r = await fetch(page + '/' + b.dataset.action + '?lang=' + encodeURIComponent(lang), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
      });
      if (r.ok) {
        location.replace(page + '?lang=' + encodeURIComponent(lang) + '&done=' + encodeURIComponent(b.dataset.action));
        return;
      }
      let detail = '';
      try { detail = (await r.json()).detail || ''; } catch (e) { /* not JSON */ }
      say(errorText.textContent + (detail ? ' (' + detail + ')' : ''), true);
    } catch (e) {
      say(errorText.textContent, true);
    }
    for (const x of buttons) x.disabled = false;
  }
})();
