package waldurtest

import (
	"encoding/json"
	"maps"
	"net/http"
)

// Marketplace resources (with termination) and orders.

func (s *Server) resources(req *request) {
	fs := []filter[*resourceRec]{
		uuidEq("offering_uuid", func(r *resourceRec) string { return r.offeringUUID }),
		uuidEq("project_uuid", func(r *resourceRec) string { return r.projectUUID }),
		uuidEq("plan_uuid", func(r *resourceRec) string { return r.planUUID }),
		icontains("name", func(r *resourceRec) string { return r.name }),
		exact("name_exact", func(r *resourceRec) string { return r.name }),
		exact("backend_id", func(r *resourceRec) string { return s.resourceBackendID(r) }),
		anyOf("state", func(r *resourceRec) string { return r.state }),
		anyOf("offering_type", func(r *resourceRec) string { return s.st.offerings.m[r.offeringUUID].Type }),
	}
	if len(req.segs) == 2 && req.segs[1] == "terminate" {
		s.terminate(req)
		return
	}
	collection(req, s.st.resources, func(r *resourceRec) bool { return s.projectVisible(req.user, r.projectUUID) }, fs, func(r *resourceRec) map[string]any { return s.renderResource(req.base, r) })
}

func (s *Server) resourceBackendID(r *resourceRec) string {
	if t := s.st.tenants.m[r.tenantUUID]; t != nil {
		return t.BackendID
	}
	return ""
}

func (s *Server) renderResource(base string, r *resourceRec) map[string]any {
	off := s.st.offerings.m[r.offeringUUID]
	proj := s.st.projects.m[r.projectUUID]
	m := map[string]any{
		"url":                   base + "marketplace-resources/" + r.uuid + "/",
		"uuid":                  r.uuid,
		"name":                  r.name,
		"description":           r.description,
		"state":                 r.state,
		"created":               fmtTime(r.created),
		"modified":              fmtTime(r.modified),
		"resource_type":         "OpenStack.Tenant",
		"resource_uuid":         nil,
		"scope":                 nil,
		"backend_id":            s.resourceBackendID(r),
		"offering":              base + "marketplace-public-offerings/" + off.UUID + "/",
		"offering_uuid":         off.UUID,
		"offering_name":         off.Name,
		"offering_type":         off.Type,
		"offering_shared":       true,
		"offering_billable":     true,
		"plan":                  nil,
		"plan_uuid":             nil,
		"plan_name":             nil,
		"project":               base + "projects/" + proj.uuid + "/",
		"project_uuid":          proj.uuid,
		"project_name":          proj.name,
		"customer_uuid":         s.st.customer.uuid,
		"customer_name":         s.st.customer.name,
		"limits":                limitsOrEmpty(r.limits),
		"attributes":            map[string]any{"name": r.name},
		"error_message":         r.errorMessage,
		"error_traceback":       "",
		"can_terminate":         r.state == "OK" || r.state == "Erred",
		"is_limit_based":        true,
		"is_usage_based":        false,
		"service_settings_uuid": off.ScopeUUID,
	}
	if t := s.st.tenants.m[r.tenantUUID]; t != nil {
		m["resource_uuid"] = t.UUID
		m["scope"] = base + "openstack-tenants/" + t.UUID + "/"
	}
	if p := s.st.plans.m[r.planUUID]; p != nil {
		m["plan"] = base + "marketplace-plans/" + p.UUID + "/"
		m["plan_uuid"] = p.UUID
		m["plan_name"] = p.Name
	}
	return m
}

func limitsOrEmpty(l map[string]int) map[string]int {
	if l == nil {
		return map[string]int{}
	}
	return l
}

// terminate is POST /api/marketplace-resources/{uuid}/terminate/: an order of type Terminate, executed
// in the background (or left pending-consumer for a user whose orders need review).
func (s *Server) terminate(req *request) {
	if req.r.Method != http.MethodPost {
		methodNotAllowed(req.w, req.r)
		return
	}
	r := s.st.resources.get(req.segs[0])
	if r == nil {
		notFound(req.w)
		return
	}
	if len(req.body) > 0 {
		var v map[string]any
		if err := json.Unmarshal(req.body, &v); err != nil {
			detail(req.w, http.StatusBadRequest, "JSON parse error - "+err.Error())
			return
		}
	}
	if r.state != "OK" && r.state != "Erred" {
		detail(req.w, http.StatusConflict, "Valid states for operation: OK, Erred.")
		return
	}
	o := s.newOrder(r, "Terminate", req.user)
	if !req.user.Staff && !req.user.MayOrderWithoutReview {
		o.state = "pending-consumer"
	} else {
		o.state = "executing"
		r.state = "Terminating"
		r.modified = o.created
		if t := s.st.tenants.m[r.tenantUUID]; t != nil {
			t.state = "DELETION_SCHEDULED"
		}
		s.wg.Add(1)
		go s.runTermination(o.uuid)
	}
	writeJSON(req.w, http.StatusOK, map[string]any{"order_uuid": o.uuid})
}

func (s *Server) newOrder(r *resourceRec, typ string, by *User) *orderRec {
	now := s.st.now()
	o := &orderRec{
		uuid: newUUID(), typ: typ, resourceUUID: r.uuid, tenantUUID: r.tenantUUID, resourceName: r.name,
		offeringUUID: r.offeringUUID, planUUID: r.planUUID, projectUUID: r.projectUUID, createdBy: by,
		limits: maps.Clone(r.limits), created: now, modified: now,
	}
	s.st.orders.add(o.uuid, o)
	return o
}

func (s *Server) runTermination(orderUUID string) {
	defer s.wg.Done()
	if !s.sleep(s.opts.StepDuration) {
		return
	}
	s.mu.Lock()
	o := s.st.orders.m[orderUUID]
	r := s.st.resources.m[o.resourceUUID]
	var info TenantInfo
	t := s.st.tenants.m[r.tenantUUID]
	if t != nil {
		t.state = "DELETING"
		info = s.tenantInfo(t)
	}
	s.mu.Unlock()

	var err error
	if t != nil && s.opts.Terminator != nil {
		err = s.callTerminator(info)
	}
	if !s.sleep(s.opts.StepDuration) {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.st.now()
	o.modified, o.completedAt, r.modified = now, &now, now
	if err != nil {
		o.state, o.errorMessage = "erred", err.Error()
		r.state, r.errorMessage = "Erred", err.Error()
		if t != nil {
			t.state, t.errorMessage = "ERRED", err.Error()
		}
		s.logf("waldurtest: termination of %s erred: %v", r.uuid, err)
		return
	}
	o.state = "done"
	r.state = "Terminated"
	if t != nil {
		s.st.removeTenant(t.UUID)
	}
	s.logf("waldurtest: resource %s terminated", r.uuid)
}

func (s *Server) callTerminator(info TenantInfo) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = panicError(p)
		}
	}()
	return s.opts.Terminator(s.ctx, info)
}

func (s *Server) orders(req *request) {
	fs := []filter[*orderRec]{
		uuidEq("resource_uuid", func(o *orderRec) string { return o.resourceUUID }),
		uuidEq("offering_uuid", func(o *orderRec) string { return o.offeringUUID }),
		uuidEq("project_uuid", func(o *orderRec) string { return o.projectUUID }),
		anyOf("type", func(o *orderRec) string { return o.typ }),
		anyOf("state", func(o *orderRec) string { return o.state }),
	}
	collection(req, s.st.orders, nil, fs, func(o *orderRec) map[string]any {
		off := s.st.offerings.m[o.offeringUUID]
		m := map[string]any{
			"url":                       req.base + "marketplace-orders/" + o.uuid + "/",
			"uuid":                      o.uuid,
			"type":                      o.typ,
			"state":                     o.state,
			"created":                   fmtTime(o.created),
			"modified":                  fmtTime(o.modified),
			"completed_at":              fmtTimePtr(o.completedAt),
			"marketplace_resource_uuid": o.resourceUUID,
			"resource_uuid":             nullable(o.tenantUUID),
			"resource_type":             "OpenStack.Tenant",
			"resource_name":             o.resourceName,
			"offering":                  req.base + "marketplace-public-offerings/" + off.UUID + "/",
			"offering_uuid":             off.UUID,
			"offering_name":             off.Name,
			"offering_type":             off.Type,
			"plan_uuid":                 nullable(o.planUUID),
			"project_uuid":              o.projectUUID,
			"limits":                    limitsOrEmpty(o.limits),
			"attributes":                map[string]any{},
			"error_message":             o.errorMessage,
			"error_traceback":           "",
			"created_by_username":       o.createdBy.Username,
			"created_by_full_name":      o.createdBy.FullName,
			"can_terminate":             false,
		}
		return m
	})
}
