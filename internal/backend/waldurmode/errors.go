package waldurmode

import (
	"errors"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// Waldur's answers to a rejected input, as the engine's validation errors. Waldur names a rejected input
// by its request field, nested keys joined with dots and list items by index
// ("mappings.subnets.1.dst_cidr"); the resource's attributes have the same names, so the conversion is
// mechanical. Waldur's one oddity: a plan at its limit is reported under "plan", which is dst_plan here.

// waldurFields are the request fields that are attributes of the resource, with the names of their
// nested attributes.
var waldurFields = map[string]map[string]bool{
	"src_resource": nil,
	"dst_offering": nil,
	"dst_plan":     nil,
	"name":         nil,
	"description":  nil,
	"mappings": {
		"networks": true, "subnets": true, "volume_types": true, "sync_instance_ports": true, "skip_connection_extnet": true,
	},
}

var waldurItemFields = map[string]map[string]bool{
	"subnets":      {"src_cidr": true, "dst_cidr": true},
	"volume_types": {"src_type_uuid": true, "dst_type_uuid": true},
	"networks":     {},
}

// waldurAttributePath converts a Waldur field key (waldur.APIError.Fields, waldur.FieldErrors) to the
// path of the attribute it concerns: as deep as the key names a known attribute, so a key below a list
// item that the schema does not have still points at the item. ok is false for a key naming no attribute.
func waldurAttributePath(key string) (p replication.Path, ok bool) {
	steps := strings.Split(key, ".")
	root := steps[0]
	if root == "plan" {
		root = "dst_plan"
	}
	nested, known := waldurFields[root]
	if !known {
		return replication.Path{}, false
	}
	p = replication.Root(root)
	if len(steps) == 1 || nested == nil {
		return p, true
	}
	name := steps[1]
	if !nested[name] {
		return p, true
	}
	p = p.Attr(name)
	if len(steps) == 2 {
		return p, true
	}
	i, err := strconv.Atoi(steps[2])
	if err != nil || i < 0 {
		return p, true
	}
	p = p.Index(i)
	if len(steps) > 3 && waldurItemFields[name][steps[3]] {
		p = p.Attr(steps[3])
	}
	return p, true
}

var uuidInMessage = regexp.MustCompile(`[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}`)

// waldurMessagePath finds the attribute a message of Waldur's non_field_errors concerns. Waldur reports
// several per-field problems that way, recognisable only by their text; the volume type messages name
// the offending uuid (when Waldur fills it in), which picks the mapping item.
func waldurMessagePath(msg string, req *waldur.MigrationCreateRequest) (replication.Path, bool) {
	lower := strings.ToLower(msg)
	volumeTypeItem := func(attr string, same func(waldur.VolumeTypeMapping, string) bool) replication.Path {
		p := replication.Root("mappings").Attr("volume_types")
		id := uuidInMessage.FindString(msg)
		if req == nil || req.Mappings == nil || id == "" {
			return p
		}
		for i, vt := range req.Mappings.VolumeTypes {
			if same(vt, id) {
				return p.Index(i).Attr(attr)
			}
		}
		return p
	}
	switch {
	case strings.Contains(lower, "does not have limits set"):
		return srcResourceAttr, true
	case strings.Contains(lower, "sync_instance_ports"):
		return replication.Root("mappings").Attr("sync_instance_ports"), true
	case strings.Contains(lower, "does not have enough permissions to migrate"):
		// The order for the destination would need a review the user may not skip.
		return dstOfferingAttr, true
	case strings.Contains(lower, "invalid src_type_uuid"):
		return volumeTypeItem("src_type_uuid", func(vt waldur.VolumeTypeMapping, id string) bool { return waldur.SameUUID(vt.SrcTypeUUID, id) }), true
	case strings.Contains(lower, "invalid dst_type_uuid"):
		return volumeTypeItem("dst_type_uuid", func(vt waldur.VolumeTypeMapping, id string) bool { return waldur.SameUUID(vt.DstTypeUUID, id) }), true
	case strings.Contains(lower, "plan is not available"):
		return dstPlanAttr, true
	}
	return replication.Path{}, false
}

// waldurRequestValue is the value a Waldur field key names in req, for the message.
func waldurRequestValue(req *waldur.MigrationCreateRequest, key string) (string, bool) {
	if req == nil {
		return "", false
	}
	switch key {
	case "src_resource":
		return req.SrcResource, true
	case "dst_offering":
		return req.DstOffering, true
	case "dst_plan", "plan":
		return req.DstPlan, req.DstPlan != ""
	case "name":
		return req.Name, true
	case "description":
		return req.Description, true
	}
	m := req.Mappings
	steps := strings.Split(key, ".")
	if m == nil || len(steps) < 3 || steps[0] != "mappings" {
		return "", false
	}
	i, err := strconv.Atoi(steps[2])
	if err != nil || i < 0 {
		return "", false
	}
	field := ""
	if len(steps) > 3 {
		field = steps[3]
	}
	switch {
	case steps[1] == "networks" && i < len(m.Networks):
		return m.Networks[i], true
	case steps[1] == "subnets" && i < len(m.Subnets) && field == "src_cidr":
		return m.Subnets[i].SrcCIDR, true
	case steps[1] == "subnets" && i < len(m.Subnets) && field == "dst_cidr":
		return m.Subnets[i].DstCIDR, true
	case steps[1] == "volume_types" && i < len(m.VolumeTypes) && field == "src_type_uuid":
		return m.VolumeTypes[i].SrcTypeUUID, true
	case steps[1] == "volume_types" && i < len(m.VolumeTypes) && field == "dst_type_uuid":
		return m.VolumeTypes[i].DstTypeUUID, true
	}
	return "", false
}

// fieldErrors converts field errors keyed like Waldur's ("mappings.subnets.1.dst_cidr") to the engine's
// validation errors, with the values of req they concern; a key naming no attribute gives an error of
// its own. Keys whose attribute is in done are skipped (their attribute has an error already), and the
// others are added to it; done may be nil.
func fieldErrors(fields map[string][]string, req *waldur.MigrationCreateRequest, done map[string]bool) []error {
	var out []error
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		p, ok := waldurAttributePath(key)
		if done != nil {
			if done[p.String()] {
				continue
			}
			done[p.String()] = true
		}
		for _, msg := range fields[key] {
			value, _ := waldurRequestValue(req, key)
			if key == "dst_plan" && msg == "This field is required." {
				msg += " The Waldur backend needs dst_plan: the uuid of one of the destination offering's plans (`plans[*].uuid` of waldur_marketplace_offering)."
			}
			if ok {
				out = append(out, replication.ValidationErrors{{Attribute: p, Value: value, Message: msg}})
			} else {
				out = append(out, backend.Errorf(replication.Path{}, invalidInput, "%s: %s", key, msg))
			}
		}
	}
	return out
}

// invalidInput is the summary of the engine's validation errors, given to Waldur's own too.
const invalidInput = "Invalid migration input"

// apiError converts a failed Waldur call. Waldur's validation errors (400) become the errors of the
// attributes they concern (see waldurAttributePath and waldurMessagePath); anything else is one error,
// under summary, whose message says what to check.
func apiError(summary string, err error, req *waldur.MigrationCreateRequest) error {
	var fe waldur.FieldErrors
	if errors.As(err, &fe) {
		return errors.Join(fieldErrors(fe, req, nil)...)
	}
	ae, ok := waldur.AsAPIError(err)
	if !ok || ae.Status != http.StatusBadRequest {
		detail := err.Error()
		switch {
		case ok && ae.Status == http.StatusInternalServerError && req != nil && strings.TrimSpace(req.Description) != "":
			detail += "\n\nSome Waldur versions fail with HTTP 500 when a migration carries a description: try again without `description`."
		case ok && ae.Status == http.StatusInternalServerError:
			detail += "\n\nWaldur failed internally. Some versions do so on inputs they do not validate (an unknown volume type); check the inputs and Waldur's logs."
		}
		return backend.Errorf(replication.Path{}, summary, "%s", detail)
	}
	errs := fieldErrors(ae.Fields, req, nil)
	for _, msg := range append(ae.NonField, nonEmpty(ae.Detail)...) {
		p, _ := waldurMessagePath(msg, req)
		errs = append(errs, backend.Errorf(p, "Waldur rejected the migration", "%s", msg))
	}
	if len(ae.Fields) == 0 && len(ae.NonField) == 0 && ae.Detail == "" {
		errs = append(errs, backend.At(replication.Path{}, summary, err))
	}
	return errors.Join(errs...)
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
