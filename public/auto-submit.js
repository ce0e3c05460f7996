// Sends a form marked data-auto-submit at once (the button stays for browsers without scripts).
document.querySelector('form[data-auto-submit]')?.submit();
