package provider

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

func TestMarkForRepair(t *testing.T) {
	m := migrationModel{
		State: types.StringValue(backend.StateIncomplete), ErrorMessage: types.StringValue("1 port ..."),
		PortIDs: idMap(map[string]string{"a": "b"}), Skipped: types.ListNull(types.StringType),
		SourceDrift: driftMap(map[string]string{"networks": "add: db"}),
	}
	markForRepair(context.Background(), &m)
	for name, unknown := range map[string]bool{
		"state": m.State.IsUnknown(), "error_message": m.ErrorMessage.IsUnknown(), "port_ids": m.PortIDs.IsUnknown(),
		"network_ids": m.NetworkIDs.IsUnknown(), "skipped": m.Skipped.IsUnknown(), "credentials": m.Credentials.IsUnknown(),
	} {
		if !unknown {
			t.Errorf("%s is known in the repair's plan", name)
		}
	}
	if m.SourceDrift.IsUnknown() || len(m.SourceDrift.Elements()) != 0 {
		t.Errorf("source_drift = %v, want empty: the run syncs the replica", m.SourceDrift)
	}
	if !syncPlanned(m) {
		t.Error("syncPlanned does not see the planned run")
	}
}

// syncBackend answers what ModifyPlan asks a backend: whether it syncs in place, and the plan of the
// migration (the preview). Anything else panics (the embedded nil Backend).
type syncBackend struct {
	backend.Backend
	inPlace error
	planned []backend.Inputs
}

func (b *syncBackend) InPlaceSync() error { return b.inPlace }

func (b *syncBackend) Plan(_ context.Context, in backend.Inputs) (*replication.Plan, error) {
	b.planned = append(b.planned, in)
	return &replication.Plan{
		Project:  replication.ProjectPlan{Name: in.Name, Description: in.Description},
		Networks: []replication.NetworkPlan{{SourceID: "net-web", Name: "web"}, {SourceID: "net-db", Name: "db"}},
	}, nil
}

// recordedReplica is a migration in state as a create records it: built, OK, with its id maps.
func recordedReplica(t *testing.T, followSource bool, drift map[string]string) migrationModel {
	t.Helper()
	ctx := context.Background()
	m := migrationModel{
		SrcResource: types.StringValue("old/p-src"), DstOffering: types.StringValue("new"), DstPlan: types.StringNull(),
		Name: types.StringValue("copy"), Description: types.StringValue("the copy"), Mappings: types.ObjectNull(mappingsTypes),
		FollowSource: types.BoolValue(followSource), DestroyDestination: types.BoolValue(false),
		Concurrency: types.Int64Value(defaultConcurrency),
		Timeouts:    timeouts.Value{Object: types.ObjectNull(mustBe[timeouts.Type](t, resourceSchema.Blocks["timeouts"].Type()).AttrTypes)},
	}
	var d = applyRun(ctx, &m, &backend.Migration{
		ID: "new/p-dst", DstResourceUUID: "new/p-dst", DstProjectID: "p-dst", State: backend.StateOK,
		Credentials: &replication.Credentials{UserID: "u1", Username: "copy-abc234", Password: "pw-pw-pw-pw-pw-pw-pw"},
		IDs:         backend.IDMaps{Networks: map[string]string{"net-web": "d-net-web"}},
		Plan:        &replication.Plan{Networks: []replication.NetworkPlan{{SourceID: "net-web", Name: "web"}}},
	})
	requireNoErrors(t, d)
	m.SourceDrift = driftMap(drift)
	return m
}

// withRemap returns m with mappings remapping one subnet.
func withRemap(t *testing.T, m migrationModel, dst string) migrationModel {
	t.Helper()
	subnetType := mustBe[types.ObjectType](t, mustBe[types.ListType](t, mappingsTypes["subnets"]).ElemType)
	vtType := mustBe[types.ListType](t, mappingsTypes["volume_types"]).ElemType
	m.Mappings = types.ObjectValueMust(mappingsTypes, map[string]attr.Value{
		"networks": types.ListNull(types.StringType),
		"subnets": types.ListValueMust(subnetType, []attr.Value{types.ObjectValueMust(subnetType.AttrTypes, map[string]attr.Value{
			"src_cidr": types.StringValue("10.0.1.0/24"), "dst_cidr": types.StringValue(dst),
		})}),
		"volume_types":           types.ListNull(vtType),
		"sync_instance_ports":    types.BoolValue(false),
		"skip_connection_extnet": types.BoolValue(false),
		"floating_ips":           types.StringValue("all"),
	})
	return m
}

// modifyPlan runs ModifyPlan for an update of state to plan (the plan after the schema's plan
// modifiers; the configuration is taken to be the plan, fully known) and returns the response and the
// planned model.
func modifyPlan(t *testing.T, b backend.Backend, state, plan migrationModel) (*resource.ModifyPlanResponse, migrationModel) {
	t.Helper()
	ctx := context.Background()
	st := tfsdk.State{Schema: resourceSchema}
	requireNoErrors(t, st.Set(ctx, &state))
	pl := tfsdk.Plan{Schema: resourceSchema}
	requireNoErrors(t, pl.Set(ctx, &plan))
	req := resource.ModifyPlanRequest{
		State: st, Plan: pl, Config: tfsdk.Config{Schema: resourceSchema, Raw: pl.Raw},
	}
	resp := &resource.ModifyPlanResponse{Plan: pl}
	(&MigrationResource{backend: b}).ModifyPlan(ctx, req, resp)
	var planned migrationModel
	if !resp.Diagnostics.HasError() {
		requireNoErrors(t, resp.Plan.Get(ctx, &planned))
	}
	return resp, planned
}

// requireSync checks that the plan is an in-place run: the id maps and what the run decides unknown,
// source_drift empty, the preview planned afresh from the source.
func requireSync(t *testing.T, b *syncBackend, resp *resource.ModifyPlanResponse, planned migrationModel) {
	t.Helper()
	requireNoErrors(t, resp.Diagnostics)
	if len(resp.RequiresReplace) > 0 {
		t.Fatalf("replaces %v, want an in-place update", resp.RequiresReplace)
	}
	if !syncPlanned(planned) || !planned.State.IsUnknown() || !planned.Credentials.IsUnknown() {
		t.Errorf("network_ids %v, state %v, credentials unknown %v: want a planned run", planned.NetworkIDs, planned.State, planned.Credentials.IsUnknown())
	}
	if planned.SourceDrift.IsUnknown() || len(planned.SourceDrift.Elements()) != 0 {
		t.Errorf("source_drift = %v, want empty", planned.SourceDrift)
	}
	if len(b.planned) != 1 {
		t.Fatalf("the backend planned %d times, want once (the preview)", len(b.planned))
	}
	if nets, ok := planned.Preview.Attributes()["networks"].(types.List); !ok || len(nets.Elements()) != 2 {
		t.Errorf("preview.networks = %v, want the two networks planned afresh", planned.Preview.Attributes()["networks"])
	}
	if planned.DstProjectID.ValueString() != "p-dst" || planned.ID.ValueString() != "new/p-dst" {
		t.Errorf("dst_project_id %v, id %v: the destination must stay", planned.DstProjectID, planned.ID)
	}
}

// requireNoRun checks that the plan runs nothing: the id maps stay, the backend was not asked to plan.
func requireNoRun(t *testing.T, b *syncBackend, resp *resource.ModifyPlanResponse, planned migrationModel) {
	t.Helper()
	requireNoErrors(t, resp.Diagnostics)
	if len(resp.RequiresReplace) > 0 {
		t.Fatalf("replaces %v, want no run", resp.RequiresReplace)
	}
	if syncPlanned(planned) || planned.State.IsUnknown() {
		t.Errorf("network_ids %v, state %v: want them kept", planned.NetworkIDs, planned.State)
	}
	if len(b.planned) != 0 {
		t.Errorf("the backend planned %d times, want none", len(b.planned))
	}
}

// A replica whose refresh found the source changed plans an in-place sync, never a replacement.
func TestModifyPlanSyncsReplicaWithDrift(t *testing.T) {
	b := &syncBackend{}
	state := recordedReplica(t, true, map[string]string{"networks": "add: db"})
	resp, planned := modifyPlan(t, b, state, state)
	requireSync(t, b, resp, planned)
	if !b.planned[0].FollowSource || b.planned[0].SrcResource != "old/p-src" {
		t.Errorf("planned with %+v", b.planned[0])
	}
}

// A replica in sync, and a one-off copy whatever its source does, plan nothing: no perpetual diff.
func TestModifyPlanInSyncOrOneOff(t *testing.T) {
	for name, state := range map[string]migrationModel{
		"replica in sync": recordedReplica(t, true, nil),
		"one-off copy":    recordedReplica(t, false, nil),
	} {
		t.Run(name, func(t *testing.T) {
			b := &syncBackend{}
			resp, planned := modifyPlan(t, b, state, state)
			requireNoRun(t, b, resp, planned)
		})
	}
}

// Turning follow_source on syncs at once; turning it off forgets the drift and runs nothing.
func TestModifyPlanFollowSourceToggled(t *testing.T) {
	b := &syncBackend{}
	state := recordedReplica(t, false, nil)
	plan := state
	plan.FollowSource = types.BoolValue(true)
	resp, planned := modifyPlan(t, b, state, plan)
	requireSync(t, b, resp, planned)

	b = &syncBackend{}
	state = recordedReplica(t, true, map[string]string{"networks": "add: db"})
	plan = state
	plan.FollowSource = types.BoolValue(false)
	resp, planned = modifyPlan(t, b, state, plan)
	requireNoRun(t, b, resp, planned)
	if len(planned.SourceDrift.Elements()) != 0 {
		t.Errorf("source_drift = %v, want empty once the source is no longer followed", planned.SourceDrift)
	}
}

// Changed mappings: synced in place by a backend that can, a new migration with one that cannot.
func TestModifyPlanMappingsChanged(t *testing.T) {
	for _, follow := range []bool{false, true} {
		b := &syncBackend{}
		state := withRemap(t, recordedReplica(t, follow, nil), "192.168.1.0/24")
		resp, planned := modifyPlan(t, b, state, withRemap(t, state, "192.168.2.0/24"))
		requireSync(t, b, resp, planned)
		if got := b.planned[0].Mappings.Subnets; len(got) != 1 || got[0].DstCIDR != "192.168.2.0/24" {
			t.Errorf("planned with mappings %+v, want the new remap", b.planned[0].Mappings)
		}
	}

	b := &syncBackend{inPlace: errors.New("copies once")}
	state := withRemap(t, recordedReplica(t, false, nil), "192.168.1.0/24")
	resp, _ := modifyPlan(t, b, state, withRemap(t, state, "192.168.2.0/24"))
	requireNoErrors(t, resp.Diagnostics)
	if !resp.RequiresReplace.Contains(path.Root("mappings")) {
		t.Errorf("RequiresReplace = %v, want mappings", resp.RequiresReplace)
	}
	if len(b.planned) != 0 {
		t.Errorf("the backend planned %d times; the replacement is planned as a create", len(b.planned))
	}
}

// A change that forces a new migration plans no sync: Terraform plans the replacement as a create.
func TestModifyPlanReplacementPlansNoSync(t *testing.T) {
	b := &syncBackend{}
	state := recordedReplica(t, true, map[string]string{"networks": "add: db"})
	plan := withRemap(t, state, "192.168.2.0/24")
	plan.Name = types.StringValue("another")
	resp, planned := modifyPlan(t, b, state, plan)
	requireNoRun(t, b, resp, planned)
	if !forcesReplacement(state, plan, false) {
		t.Error("a new name does not force a replacement")
	}
	// The import's grace: dst_plan configured for the first time.
	plan = state
	plan.DstPlan = types.StringValue("default")
	if forcesReplacement(state, plan, false) == forcesReplacement(state, plan, true) {
		t.Error("dst_plan set on the first plan after an import must not force a replacement")
	}
}

// A replica with a backend that cannot sync in place (Waldur): allowed on create and when turned on,
// and a drift found by refresh plans no run and no replacement, only a warning on follow_source that
// names the drift and says what to do instead (the backend's InPlaceSync). In sync: no warning.
func TestModifyPlanFollowSourceWithoutInPlaceSync(t *testing.T) {
	why := backend.Errorf(replication.Root("follow_source"), "Waldur cannot sync the replica in place", "copies a tenant once; run terraform apply -replace")

	// Turned on: recorded in place, no run (the next refresh computes the drift).
	b := &syncBackend{inPlace: why}
	state := recordedReplica(t, false, nil)
	plan := state
	plan.FollowSource = types.BoolValue(true)
	resp, planned := modifyPlan(t, b, state, plan)
	requireNoRun(t, b, resp, planned)
	if len(resp.Diagnostics.Warnings()) != 0 {
		t.Errorf("warnings %v, want none: no drift is known yet", resp.Diagnostics.Warnings())
	}

	// A drift: the plan keeps the state, and warns.
	b = &syncBackend{inPlace: why}
	drift := map[string]string{"networks": "add: reports", "security_group_rules": "remove: web: ingress IPv4 tcp 22-22 from 10.0.1.0/24"}
	state = recordedReplica(t, true, drift)
	resp, planned = modifyPlan(t, b, state, state)
	requireNoRun(t, b, resp, planned)
	if !planned.SourceDrift.Equal(state.SourceDrift) {
		t.Errorf("source_drift = %v, want the state's %v kept", planned.SourceDrift, state.SourceDrift)
	}
	warnings := resp.Diagnostics.Warnings()
	if len(warnings) != 1 {
		t.Fatalf("warnings %v, want one", warnings)
	}
	w := warnings[0]
	if wp, ok := w.(diag.DiagnosticWithPath); !ok || wp.Path().String() != "follow_source" || w.Summary() != "Waldur cannot sync the replica in place" {
		t.Errorf("warning %q on %v, want the backend's summary on follow_source", w.Summary(), w)
	}
	for _, want := range []string{"networks: add: reports", "security_group_rules: remove: web: ingress IPv4 tcp 22-22 from 10.0.1.0/24",
		"copies a tenant once", "terraform apply -replace"} {
		if !strings.Contains(w.Detail(), want) {
			t.Errorf("warning detail lacks %q:\n%s", want, w.Detail())
		}
	}

	// In sync: nothing to say.
	b = &syncBackend{inPlace: why}
	state = recordedReplica(t, true, nil)
	resp, planned = modifyPlan(t, b, state, state)
	requireNoRun(t, b, resp, planned)
	if len(resp.Diagnostics.Warnings()) != 0 {
		t.Errorf("warnings %v, want none for a replica in sync", resp.Diagnostics.Warnings())
	}

	// A create with follow_source = true is planned as any other (the preview), without a diagnostic.
	ctx := context.Background()
	b = &syncBackend{inPlace: why}
	pl := tfsdk.Plan{Schema: resourceSchema}
	requireNoErrors(t, pl.Set(ctx, &plan))
	req := resource.ModifyPlanRequest{
		State:  tfsdk.State{Schema: resourceSchema, Raw: tfsdkNull(ctx)},
		Plan:   pl,
		Config: tfsdk.Config{Schema: resourceSchema, Raw: pl.Raw},
	}
	resp = &resource.ModifyPlanResponse{Plan: pl}
	(&MigrationResource{backend: b}).ModifyPlan(ctx, req, resp)
	requireNoErrors(t, resp.Diagnostics)
	if len(b.planned) != 1 || !b.planned[0].FollowSource {
		t.Errorf("the backend planned %+v, want the create's preview once, with follow_source", b.planned)
	}
}

// An INCOMPLETE migration is rebuilt, with or without follow_source.
func TestModifyPlanRebuildsIncomplete(t *testing.T) {
	for _, follow := range []bool{false, true} {
		b := &syncBackend{}
		state := recordedReplica(t, follow, nil)
		state.State = types.StringValue(backend.StateIncomplete)
		resp, planned := modifyPlan(t, b, state, state)
		requireSync(t, b, resp, planned)
		if b.planned[0].FollowSource != follow {
			t.Errorf("planned with follow_source %v, want %v", b.planned[0].FollowSource, follow)
		}
	}
}

// The model carries follow_source and source_drift to the backend and back.
func TestFollowSourceRoundTrip(t *testing.T) {
	ctx := context.Background()
	state := recordedReplica(t, true, map[string]string{"networks": "add: db", "quotas": "change: compute (cores)"})
	m, d := migrationOf(ctx, state)
	requireNoErrors(t, d)
	if !m.FollowSource || len(m.SourceDrift) != 2 || m.SourceDrift["quotas"] != "change: compute (cores)" {
		t.Errorf("migration = follow %v, drift %v", m.FollowSource, m.SourceDrift)
	}
	requireNoErrors(t, applyMigration(ctx, &state, &backend.Migration{DstProjectID: "p-dst"}))
	if state.SourceDrift.IsNull() || len(state.SourceDrift.Elements()) != 0 {
		t.Errorf("source_drift after a run = %v, want an empty map", state.SourceDrift)
	}
	if want := resourceSchema.Attributes["source_drift"].GetType(); !state.SourceDrift.Type(ctx).Equal(want) {
		t.Errorf("source_drift type %s, schema %s", state.SourceDrift.Type(ctx), want)
	}
}

// tfsdkNull is the null state of a resource that does not exist yet.
func tfsdkNull(ctx context.Context) tftypes.Value {
	return tftypes.NewValue(resourceSchema.Type().TerraformType(ctx), nil)
}
