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
// A license key's Reveal works without script (the page comes back with that key shown); with it,
// the key is shown and hidden in place.
for (const form of document.querySelectorAll('form[data-reveal]')) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const full = document.getElementById(form.dataset.reveal);
    const masked = document.getElementById(form.dataset.masked);
    const show = full.hidden;
    full.hidden = !show;
    masked.hidden = show;
    form.querySelector('button').textContent = show ? form.dataset.hideLabel : form.dataset.revealLabel;
  });
}
// Copy needs script (the clipboard), so its button is shown only here; a live region says it worked.
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const status = document.getElementById(button.dataset.status);
    status.textContent = '';
    try {
      await navigator.clipboard.writeText(document.getElementById(button.dataset.copy).textContent.trim());
      status.textContent = button.dataset.copied;
    } catch {
      status.textContent = button.dataset.copyFailed;
    }
  });
}
// A page that follows long work (a report being written) reloads itself while the work runs.
const reload = document.querySelector('[data-reload-after]');
if (reload) { setTimeout(() => window.location.reload(), Number(reload.dataset.reloadAfter) * 1000); }
// The dashboard's branding preview follows its form as one types (without script it shows what is saved).
const brandPreview = document.querySelector('[data-brand-preview]');
if (brandPreview) {
  const form = document.getElementById(brandPreview.dataset.brandPreview);
  form.addEventListener('input', () => {
    const name = form.elements.Name.value.trim();
    brandPreview.querySelector('[data-preview-name]').textContent = name;
    const initial = brandPreview.querySelector('[data-preview-initial]');
    if (initial) { initial.textContent = name.slice(0, 1).toUpperCase(); }
    const color = form.elements.AccentColor.value.trim();
    if (/^#[0-9a-fA-F]{6}$/.test(color)) { brandPreview.style.setProperty('--accent', color); }
  });
}
