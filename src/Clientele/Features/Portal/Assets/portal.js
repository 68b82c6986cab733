// Progressive enhancement only: every form here works without this script.
// A link's interstitial page continues by itself for people (mail scanners that fetch without
// running scripts never do, so they cannot use up the link).
for (const form of document.querySelectorAll('form[data-auto-submit]')) {
  form.submit();
}
// The language switcher applies a choice at once.
for (const select of document.querySelectorAll('select[data-submit-on-change]')) {
  select.addEventListener('change', () => select.form.submit());
}
