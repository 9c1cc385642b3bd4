package ui_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"coopshop/internal/browsertest"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
	"coopshop/internal/payment"
	"coopshop/internal/payment/stripemock"
	"coopshop/internal/webtest"
)

// fakeStripeJS stands in for Stripe.js (which only Stripe may serve, from
// js.stripe.com): it records what the page asks of it in sessionStorage,
// mounts a text field for the card, and on confirmation either answers a
// decline (card "decline") or sends the browser to the return URL as
// Stripe does after a payment.
const fakeStripeJS = `(function () {
  function log(x) { var a = JSON.parse(sessionStorage.getItem('fakeStripe') || '[]'); a.push(x); sessionStorage.setItem('fakeStripe', JSON.stringify(a)); }
  window.Stripe = function (key, opts) {
    log('Stripe ' + key + ' ' + (opts && opts.locale));
    return {
      elements: function (o) {
        log('elements ' + o.clientSecret);
        return { create: function (type) {
          log('create ' + type);
          var ready;
          return {
            mount: function (sel) {
              log('mount ' + sel);
              var i = document.createElement('input');
              i.setAttribute('data-testid', 'fake-card');
              document.querySelector(sel).appendChild(i);
              setTimeout(function () { if (ready) { ready(); } }, 0);
            },
            on: function (ev, f) { if (ev === 'ready') { ready = f; } }
          };
        } };
      },
      confirmPayment: function (o) {
        log('confirm ' + o.confirmParams.return_url);
        if (document.querySelector('[data-testid=fake-card]').value === 'decline') {
          return Promise.resolve({ error: { message: 'Ihre Karte wurde abgelehnt.' } });
        }
        window.location.href = o.confirmParams.return_url + '?payment_intent=pi_fake&payment_intent_client_secret=x&redirect_status=succeeded';
        return new Promise(function () {});
      }
    };
  };
})();`

// TestBrowserStripePaymentForm: with a publishable key, the member who
// started an online payment gets Stripe's payment form on the invoice
// page, loaded from Stripe's address (another origin, which the page's
// Content-Security-Policy lets in) with the key and the payment's client
// secret; a declined card is said on the page and can be tried again; a
// payment Stripe accepts brings the member back to the invoice, which says
// that the payment is with Stripe and is paid once Stripe confirms it.
func TestBrowserStripePaymentForm(t *testing.T) {
	b := browsertest.NewBrowser(t)
	stripeJS := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, fakeStripeJS)
	}))
	t.Cleanup(stripeJS.Close)
	bdb := dbtest.Open(t, "sqlite")
	configure := func(c *config.Config) {
		c.StripeSecretKey, c.StripeAPIBase, c.StripeWebhookSecret = stripemock.Key, stripemock.URL(t), "whsec_ui"
		c.StripePublishableKey, c.StripeJSURL = "pk_test_coopshop", stripeJS.URL+"/v3/"
	}
	a := webtest.NewWith(t, bdb, configure)
	inv := issueBoerde(t, a, 1)[0]
	shop := browsertest.StartWith(t, bdb, configure)
	page := fmt.Sprintf("%s/invoices/%d", shop.URL, inv.ID)

	b.Login(shop, "einkauf@boerde.example")
	b.Open(page)
	b.Do(chromedp.Click(chromedp.CSS(`[data-testid=pay-online-button]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=fake-card]`)),
		chromedp.WaitEnabled(chromedp.CSS(`[data-testid=stripe-payment-submit]`)))
	b.Screenshot("/tmp/coopshop-stripe-form.png")
	if strings.Contains(b.Text(`[data-testid=pay-online]`), "Zahlung fortsetzen") {
		t.Error("the resume button is offered beside Stripe's form")
	}

	b.Fill(`[data-testid=fake-card]`, "decline")
	b.Do(chromedp.Click(chromedp.CSS(`[data-testid=stripe-payment-submit]`)),
		chromedp.WaitEnabled(chromedp.CSS(`[data-testid=stripe-payment-submit]`)))
	if got := b.Text(`[data-testid=stripe-payment-message]`); got != "Ihre Karte wurde abgelehnt." {
		t.Fatalf("after a declined card the page says %q", got)
	}

	b.Fill(`[data-testid=fake-card]`, "4242 4242 4242 4242")
	b.Do(chromedp.Click(chromedp.CSS(`[data-testid=stripe-payment-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=pay-online-returned]`)))
	if got := b.Text(`[data-testid=pay-online-returned]`); !strings.Contains(got, "bei Stripe eingegangen") || !strings.Contains(got, "„Bezahlt“") {
		t.Errorf("back from Stripe the page says %q", got)
	}
	if got := b.Text(`[data-testid=invoice-state]`); got != "Offen" {
		t.Errorf("invoice %q before Stripe's webhook, want still open", got)
	}
	if n := browsertest.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=stripe-payment], [data-testid=pay-online-button], [data-testid=pay-online-next]").length`)); n != 0 {
		t.Errorf("back from Stripe the page offers to pay again or asks for the data (%d elements)", n)
	}
	b.Screenshot("/tmp/coopshop-stripe-returned.png")

	var intent struct {
		ClientSecret string `bun:"client_secret"`
		Status       string `bun:"status"`
	}
	if err := bdb.NewSelect().Table("stripe_intents").Column("client_secret", "status").Where("invoice_id = ?", inv.ID).Scan(t.Context(), &intent); err != nil {
		t.Fatal(err)
	}
	if intent.Status != string(payment.IntentPending) || intent.ClientSecret == "" {
		t.Fatalf("payment %+v, want pending with a client secret", intent)
	}
	calls := browsertest.Run(b, chromedp.Evaluate[string](`sessionStorage.getItem('fakeStripe')`))
	want := fmt.Sprintf(`["Stripe pk_test_coopshop de","elements %s","create payment","mount #stripe-payment-element","confirm %s","confirm %s"]`,
		intent.ClientSecret, page, page)
	if calls != want {
		t.Errorf("Stripe.js was asked\n%s\nwant\n%s", calls, want)
	}
}
