// Stripe's payment form on the invoice page (Stripe.js Payment Element):
// mounted for a started payment, it sends the card or account data from
// the browser to Stripe, which brings the payer back to this page. The
// invoice is paid once Stripe's webhook confirms the payment.
(function () {
  'use strict';
  var form = document.getElementById('stripe-payment');
  if (!form) {
    return;
  }
  var message = document.getElementById('stripe-payment-message');
  var button = document.getElementById('stripe-payment-submit');
  var mount = document.getElementById('stripe-payment-element');
  function say(text) {
    message.textContent = text;
  }
  if (typeof window.Stripe !== 'function') {
    say('Das Zahlungsformular von Stripe ließ sich nicht laden. Bitte laden Sie die Seite neu oder überweisen Sie den offenen Betrag mit der Rechnungsnummer als Verwendungszweck.');
    return;
  }
  var stripe = window.Stripe(form.dataset.key, { locale: 'de' });
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  var element = elements.create('payment');
  mount.textContent = '';
  element.mount('#stripe-payment-element');
  element.on('ready', function () {
    button.disabled = false;
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    button.disabled = true;
    say('Die Zahlung wird an Stripe übermittelt …');
    stripe.confirmPayment({
      elements: elements,
      confirmParams: { return_url: window.location.origin + window.location.pathname }
    }).then(function (result) {
      // Only a failure comes back here: on success Stripe sends the payer
      // to return_url.
      if (result && result.error) {
        say(result.error.message || 'Die Zahlung wurde nicht abgeschlossen.');
        button.disabled = false;
      }
    });
  });
})();
