package provider

import (
	"context"
	"net/netip"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = cidrValidator{}

// cidrValidator checks that a string is a network in CIDR notation with no host bits set, the form
// Neutron stores: "10.0.0.5/24" is refused with a hint at "10.0.0.0/24" rather than silently masked.
type cidrValidator struct{}

func cidr() cidrValidator { return cidrValidator{} }

func (cidrValidator) Description(_ context.Context) string {
	return "value must be a network address in CIDR notation, such as 10.0.0.0/24"
}

func (v cidrValidator) MarkdownDescription(ctx context.Context) string {
	return "value must be a network address in CIDR notation, such as `10.0.0.0/24`"
}

func (v cidrValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := checkCIDR(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CIDR", req.Path.String()+": "+msg)
	}
}

// checkCIDR returns why s is not a network in CIDR notation, or "".
func checkCIDR(s string) string {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return "\"" + s + "\" is not a CIDR: expected an address and a prefix length, such as 10.0.0.0/24"
	}
	if p.Masked() != p {
		return "\"" + s + "\" has host bits set: did you mean " + p.Masked().String() + "?"
	}
	return ""
}
