package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// proxyConfig is fiber's part of the trusted-proxy setting: only a peer in
// COOPSHOP_TRUSTED_PROXIES may speak for the client through
// X-Forwarded-For (and X-Forwarded-Proto, for c.Secure()); with none
// configured every request is taken at its direct peer's address. The
// check is always on, so that the demo default trusts nobody.
func proxyConfig(cfg *fiber.Config, trusted []string) {
	cfg.EnableTrustedProxyCheck = true
	cfg.TrustedProxies = trusted
	cfg.ProxyHeader = fiber.HeaderXForwardedFor
	cfg.EnableIPValidation = true
}

// ClientIP is the address of whoever sent the request, for the login
// throttle and the request log. From an untrusted peer it is the peer
// itself, whatever headers it sent. From a trusted proxy it is the
// right-most address of X-Forwarded-For that is not itself a trusted
// proxy: proxies append the address they saw, so everything left of that
// came from the client and may be invented (fiber's c.IP() takes the
// left-most entry, which the client controls). Without a usable header it
// is the proxy's address.
func (d *Deps) ClientIP(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP().String()
	if !c.IsProxyTrusted() || len(d.Config.TrustedProxies) == 0 {
		return peer
	}
	hops := c.IPs() // validated entries only, in header order
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			continue
		}
		a = a.Unmap()
		if !trustedAddr(d.Config.TrustedProxies, a) {
			return a.String()
		}
	}
	return peer
}

// trustedAddr tells whether a is one of the trusted proxies (an address
// or within a range of the list).
func trustedAddr(list []string, a netip.Addr) bool {
	for _, t := range list {
		if strings.Contains(t, "/") {
			if p, err := netip.ParsePrefix(t); err == nil && p.Contains(a) {
				return true
			}
		} else if b, err := netip.ParseAddr(t); err == nil && b == a {
			return true
		}
	}
	return false
}
