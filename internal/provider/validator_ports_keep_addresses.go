package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ validator.Bool = portsKeepAddressesValidator{}

// portsKeepAddressesValidator refuses sync_instance_ports = true next to subnet remaps: copied ports keep
// their fixed IPs, which would not fit remapped subnets. The engine checks this too, at plan time; here it
// is caught already by `terraform validate`.
type portsKeepAddressesValidator struct{}

func portsKeepAddresses() portsKeepAddressesValidator { return portsKeepAddressesValidator{} }

func (portsKeepAddressesValidator) Description(_ context.Context) string {
	return "cannot be true when subnets are remapped"
}

func (v portsKeepAddressesValidator) MarkdownDescription(ctx context.Context) string {
	return "cannot be `true` when `subnets` are remapped"
}

func (v portsKeepAddressesValidator) ValidateBool(ctx context.Context, req validator.BoolRequest, resp *validator.BoolResponse) {
	if !req.ConfigValue.ValueBool() {
		return
	}
	var subnets types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, req.Path.ParentPath().AtName("subnets"), &subnets)...)
	if resp.Diagnostics.HasError() || subnets.IsNull() || subnets.IsUnknown() || len(subnets.Elements()) == 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Ports cannot be copied into remapped subnets",
		"sync_instance_ports = true cannot be used together with "+req.Path.ParentPath().AtName("subnets").String()+
			": copied ports keep their fixed IPs, which would not fit remapped subnets.")
}
