// Progressive enhancement only: every form here works without this script.
// A link's interstitial page continues by itself for people (mail scanners that fetch without
// running scripts never do, so they cannot use up the link).
for (const form of document.querySelectorAll('form[data-auto-submit]')) {
  form.submit();
}
// The language switcher applies a choice picked with the pointer at once. A keyboard user walks the
// options with the arrow keys (each step fires "change"), so only Enter or the Apply button applies it.
for (const select of document.querySelectorAll('select[data-submit-on-change]')) {
  let byKeyboard = false;
  select.addEventListener('keydown', (event) => {
    byKeyboard = true;
    if (event.key === 'Enter') { event.preventDefault(); select.form.requestSubmit(); }
  });
  select.addEventListener('pointerdown', () => { byKeyboard = false; });
  select.addEventListener('change', () => { if (!byKeyboard) select.form.requestSubmit(); });
}
// A form marked data-once sends once: a second click while the first is on its way does nothing
// (the server is safe against repeats anyway; this spares the customer a confusing second answer).
for (const form of document.querySelectorAll('form[data-once]')) {
  form.addEventListener('submit', (event) => {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = '1';
  });
}
// After a refused submit, focus moves to the message that says why.
document.getElementById('error-summary')?.focus();
// Copy buttons (hidden without scripts, where the text can be selected instead); a status region says it worked.
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    await navigator.clipboard.writeText(button.dataset.copy);
    const status = document.getElementById('copy-status');
    if (status) { status.textContent = ''; status.textContent = status.dataset.copied; }
  });
}
