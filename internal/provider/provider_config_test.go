package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestOfferingSettingsOf(t *testing.T) {
	got, diags := offeringSettingsOf(openStackModel{Offerings: map[string]offeringModel{
		"fast": {Cloud: types.StringValue("lab-RegionTwo"), MaxParallelWrites: types.Int64Value(6)},
		"slow": {Cloud: types.StringValue("lab-RegionOne"), MaxParallelWrites: types.Int64Null()},
	}})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if got["fast"].Config.Cloud != "lab-RegionTwo" || got["fast"].Config.NetworkWriteSlots != 6 {
		t.Errorf("fast: %+v", got["fast"].Config)
	}
	if got["slow"].Config.NetworkWriteSlots != 0 {
		t.Errorf("slow: NetworkWriteSlots = %d, want 0 (the default)", got["slow"].Config.NetworkWriteSlots)
	}
}
