package waldurtest

import (
	"net/http"
	"strings"
)

// Public offerings, their plans, and volume types.

func offeringVisible(o *offeringRec) bool { return o.State == "Active" || o.State == "Paused" }

func (s *Server) offerings(req *request) {
	fs := []filter[*offeringRec]{
		anyOf("type", func(o *offeringRec) string { return o.Type }),
		icontains("name", func(o *offeringRec) string { return o.Name }),
		exact("name_exact", func(o *offeringRec) string { return o.Name }),
		uuidEq("scope_uuid", func(o *offeringRec) string { return o.ScopeUUID }),
		uuidEq("customer_uuid", func(o *offeringRec) string { return s.st.customer.uuid }),
		anyOf("state", func(o *offeringRec) string { return o.State }),
	}
	render := func(o *offeringRec) map[string]any { return s.renderOffering(req.base, o) }
	if len(req.segs) <= 1 {
		collection(req, s.st.offerings, offeringVisible, fs, render)
		return
	}
	off := s.st.offerings.get(req.segs[0])
	if off == nil || !offeringVisible(off) || req.segs[1] != "plans" {
		notFound(req.w)
		return
	}
	if req.r.Method != http.MethodGet && req.r.Method != http.MethodHead {
		methodNotAllowed(req.w, req.r)
		return
	}
	plans := s.publicPlans(off.UUID)
	renderPlan := func(p *Plan) map[string]any { return s.renderPlan(req.base, p) }
	if len(req.segs) == 2 {
		list(req, plans, nil, renderPlan)
		return
	}
	for _, p := range plans {
		if id, ok := normUUID(req.segs[2]); ok && p.UUID == id {
			writeJSON(req.w, http.StatusOK, renderPlan(p))
			return
		}
	}
	notFound(req.w)
}

// publicPlans are an offering's plans as the public views show them: archived plans hidden.
func (s *Server) publicPlans(offering string) []*Plan {
	var out []*Plan
	for _, p := range s.st.plans.all() {
		if p.OfferingUUID == offering && !p.Archived {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) renderOffering(base string, o *offeringRec) map[string]any {
	plans := []map[string]any{}
	for _, p := range s.publicPlans(o.UUID) {
		plans = append(plans, s.renderPlan(base, p))
	}
	components := []map[string]any{}
	for _, c := range []struct{ typ, name, unit string }{{"cores", "Cores", "cores"}, {"ram", "RAM", "GB"}, {"storage", "Storage", "GB"}} {
		components = append(components, map[string]any{
			"type": c.typ, "name": c.name, "measured_unit": c.unit, "billing_type": "limit", "description": "",
		})
	}
	return map[string]any{
		"url":           base + "marketplace-public-offerings/" + o.UUID + "/",
		"uuid":          o.UUID,
		"created":       fmtTime(o.created),
		"name":          o.Name,
		"slug":          slug(o.Name),
		"description":   "",
		"type":          o.Type,
		"state":         o.State,
		"shared":        true,
		"billable":      true,
		"customer":      base + "customers/" + s.st.customer.uuid + "/",
		"customer_uuid": s.st.customer.uuid,
		"customer_name": s.st.customer.name,
		"scope":         base + "service-settings/" + o.ScopeUUID + "/",
		"scope_uuid":    o.ScopeUUID,
		"scope_name":    o.ScopeName,
		"scope_state":   "OK",
		"plugin_options": map[string]any{
			"storage_mode": o.StorageMode,
		},
		"attributes":  map[string]any{},
		"components":  components,
		"plans":       plans,
		"quotas":      []any{},
		"order_count": 0,
		"backend_id":  "",
		"paused_reason": func() string {
			if o.State == "Paused" {
				return "Paused for maintenance."
			}
			return ""
		}(),
	}
}

func (s *Server) renderPlan(base string, p *Plan) map[string]any {
	var maxAmount any
	if p.MaxAmount > 0 {
		maxAmount = p.MaxAmount
	}
	return map[string]any{
		"url":                 base + "marketplace-plans/" + p.UUID + "/",
		"uuid":                p.UUID,
		"name":                p.Name,
		"description":         "",
		"article_code":        "",
		"max_amount":          maxAmount,
		"archived":            p.Archived,
		"is_active":           s.st.planActive(p),
		"unit_price":          "0.0000000000",
		"unit":                "month",
		"init_price":          0,
		"switch_price":        0,
		"backend_id":          "",
		"organization_groups": []any{},
		"components":          []any{},
		"prices":              map[string]any{},
		"future_prices":       map[string]any{},
		"quotas":              map[string]any{},
		"resources_count":     s.st.planResources(p.UUID),
		"plan_type":           "limit",
		"minimal_price":       0,
	}
}

func (s *Server) volumeTypes(req *request) {
	fs := []filter[*VolumeType]{
		icontains("name", func(v *VolumeType) string { return v.Name }),
		exact("name_exact", func(v *VolumeType) string { return v.Name }),
		uuidEq("settings_uuid", func(v *VolumeType) string { return v.SettingsUUID }),
		uuidWith("offering_uuid", func(v *VolumeType, id string) bool {
			o := s.st.offerings.m[id]
			return o != nil && o.ScopeUUID == v.SettingsUUID
		}),
		uuidWith("tenant_uuid", func(v *VolumeType, id string) bool {
			t := s.st.tenants.m[id]
			if t == nil {
				return false
			}
			for _, vt := range s.st.tenantVolumeTypes(t) {
				if vt.UUID == v.UUID {
					return true
				}
			}
			return false
		}),
	}
	collection(req, s.st.volumeTypes, nil, fs, func(v *VolumeType) map[string]any {
		return map[string]any{
			"url":         req.base + "openstack-volume-types/" + v.UUID + "/",
			"uuid":        v.UUID,
			"name":        v.Name,
			"description": v.Description,
			"settings":    req.base + "service-settings/" + v.SettingsUUID + "/",
		}
	})
}

func slug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	return strings.Trim(b.String(), "-")
}
