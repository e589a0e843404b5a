package provider

import (
	"context"
	"net/netip"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = privateNetworkValidator{}

// privateNetworkValidator checks that a CIDR lies inside a private range: RFC 1918 for IPv4, unique local
// addresses (RFC 4193) for IPv6. Tenant subnets elsewhere would collide with real destinations. Strings
// that are not CIDRs are left to cidrValidator.
type privateNetworkValidator struct{}

func privateNetwork() privateNetworkValidator { return privateNetworkValidator{} }

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("fc00::/7"),
}

func (privateNetworkValidator) Description(_ context.Context) string {
	return "value must be a private network: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (fc00::/7 for IPv6)"
}

func (privateNetworkValidator) MarkdownDescription(_ context.Context) string {
	return "value must be a private network: inside `10.0.0.0/8`, `172.16.0.0/12` or `192.168.0.0/16` (`fc00::/7` for IPv6)"
}

func (v privateNetworkValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	p, err := netip.ParsePrefix(req.ConfigValue.ValueString())
	if err != nil {
		return
	}
	if !isPrivateNetwork(p) {
		resp.Diagnostics.AddAttributeError(req.Path, "Not a private network",
			req.Path.String()+": \""+req.ConfigValue.ValueString()+"\" is not a private network: "+v.Description(ctx)+".")
	}
}

func isPrivateNetwork(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}
