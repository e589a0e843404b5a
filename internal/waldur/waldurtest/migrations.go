package waldurtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"strings"
	"time"
)

// Waldur's messages, verbatim. Two carry Waldur's own defects, reproduced on purpose: the "no limits"
// message is raised as a Python set and so reaches the client as the set's repr, and the src_type_uuid
// message passes the uuid as the error code, so "%s" is never filled in.
const (
	MsgNoLimits                = "{'Source resource does not have limits set.'}"
	MsgPlanNotOfOffering       = "This plan is not available for selected offering."
	MsgPlanLimitReached        = "Plan is not available because limit has been reached."
	MsgNoPermission            = "User does not have enough permissions to migrate resource."
	MsgSyncPortsWithSubnets    = "sync_instance_ports cannot be used together with subnets mappings."
	MsgSrcTypeNotInTenant      = "Invalid src_type_uuid %s as it is not available in tenant."
	MsgDstTypeNotInSettingsFmt = "Invalid dst_type_uuid %s as it is not available in service settings."
	MsgInvalidIPv4             = "Enter a valid IPv4 address."
	MsgPrefixNot24             = "Network mask length should be equal to 24."
	MsgNotPrivate              = "A private network CIDR is expected."
	MsgRequired                = "This field is required."
	MsgNull                    = "This field may not be null."
	MsgBlank                   = "This field may not be blank."
	MsgDoesNotExistFmt         = "Object with uuid=%s does not exist."
	MsgInvalidUUIDFmt          = "“%s” is not a valid UUID."
	MsgMustBeUUID              = "Must be a valid UUID."
)

func (s *Server) migrations(req *request) {
	switch len(req.segs) {
	case 0:
		switch req.r.Method {
		case http.MethodGet, http.MethodHead:
			var items []*migrationRec
			for _, m := range s.st.migrations.all() {
				if s.migrationVisible(req.user, m) {
					items = append(items, m)
				}
			}
			list(req, items, []filter[*migrationRec]{
				uuidEq("src_resource_uuid", func(m *migrationRec) string { return m.srcResource }),
				uuidEq("dst_resource_uuid", func(m *migrationRec) string { return m.dstResource }),
			}, func(m *migrationRec) map[string]any { return s.renderMigration(m) })
		case http.MethodPost:
			s.createMigration(req)
		default:
			methodNotAllowed(req.w, req.r)
		}
	case 1:
		m := s.st.migrations.get(req.segs[0])
		if m == nil || !s.migrationVisible(req.user, m) {
			notFound(req.w)
			return
		}
		switch req.r.Method {
		case http.MethodGet, http.MethodHead:
			writeJSON(req.w, http.StatusOK, s.renderMigration(m))
		case http.MethodDelete:
			s.st.migrations.del(m.uuid)
			req.w.WriteHeader(http.StatusNoContent)
		default:
			methodNotAllowed(req.w, req.r)
		}
	default:
		htmlError(req.w, http.StatusNotFound)
	}
}

// migrationVisible: staff and support see every migration, others the ones they created.
func (s *Server) migrationVisible(u *User, m *migrationRec) bool {
	return u.Staff || m.createdBy == u
}

func (s *Server) renderMigration(m *migrationRec) map[string]any {
	src := s.st.resources.m[m.srcResource]
	dst := s.st.resources.m[m.dstResource]
	srcOff := s.st.offerings.m[src.offeringUUID]
	dstOff := s.st.offerings.m[dst.offeringUUID]
	return map[string]any{
		"uuid":                 m.uuid,
		"created":              fmtTime(m.created),
		"modified":             fmtTime(m.modified),
		"mappings":             m.mappings,
		"created_by_uuid":      m.createdBy.UUID,
		"created_by_full_name": m.createdBy.FullName,
		"src_offering_uuid":    srcOff.UUID,
		"src_offering_name":    srcOff.Name,
		"dst_offering_uuid":    dstOff.UUID,
		"dst_offering_name":    dstOff.Name,
		"src_resource_uuid":    src.uuid,
		"src_resource_name":    src.name,
		"dst_resource_uuid":    dst.uuid,
		"dst_resource_name":    dst.name,
		"dst_resource_state":   dst.state,
		"state":                s.stateLabel(m.state),
		"error_message":        m.errorMessage,
		"error_traceback":      m.errorTraceback,
	}
}

// createMigration follows Waldur's MigrationCreateSerializer: field validation first (every field, all
// errors answered together), then validate() (first failure answered), then the create itself, which
// makes the destination tenant and marketplace resource at once and schedules the work.
func (s *Server) createMigration(req *request) {
	ct, _, _ := mime.ParseMediaType(req.r.Header.Get("Content-Type"))
	if ct != "application/json" {
		detail(req.w, http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported media type %q in request.", req.r.Header.Get("Content-Type")))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(req.body))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		detail(req.w, http.StatusBadRequest, "JSON parse error - "+err.Error())
		return
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		writeJSON(req.w, http.StatusBadRequest, map[string]any{
			"non_field_errors": []string{"Invalid data. Expected a dictionary, but got " + pyType(raw) + "."},
		})
		return
	}

	errs := map[string]any{}
	// Waldur's queryset for src_resource holds only resources of OpenStack tenant offerings that the user
	// may see: any other resource "does not exist" for it (a 400, not the 500 of a tenant looked up and not found).
	srcID := relatedField(errs, obj, "src_resource", func(id string) bool {
		r := s.st.resources.m[id]
		if r == nil {
			return false
		}
		o := s.st.offerings.m[r.offeringUUID]
		return o != nil && o.Type == "OpenStack.Tenant" && s.projectVisible(req.user, r.projectUUID)
	})
	offID := relatedField(errs, obj, "dst_offering", func(id string) bool {
		o := s.st.offerings.m[id]
		return o != nil && o.State == "Active"
	})
	planID := relatedField(errs, obj, "dst_plan", func(id string) bool { return s.st.plans.m[id] != nil })
	name, _ := charField(errs, obj, "name")
	description, hasDescription := charField(errs, obj, "description")
	mp := s.mappingsField(errs, obj)
	if len(errs) > 0 {
		writeJSON(req.w, http.StatusBadRequest, errs)
		return
	}

	src := s.st.resources.m[srcID]
	dstOff := s.st.offerings.m[offID]
	plan := s.st.plans.m[planID]
	nonField := func(msg string) {
		writeJSON(req.w, http.StatusBadRequest, map[string]any{"non_field_errors": []string{msg}})
	}
	if len(src.limits) == 0 {
		nonField(MsgNoLimits)
		return
	}
	srcTenant := s.st.tenants.m[src.tenantUUID]
	if plan.OfferingUUID != dstOff.UUID {
		writeJSON(req.w, http.StatusBadRequest, map[string]any{"dst_plan": []string{MsgPlanNotOfOffering}})
		return
	}
	if !s.st.planActive(plan) {
		writeJSON(req.w, http.StatusBadRequest, map[string]any{"plan": []string{MsgPlanLimitReached}})
		return
	}
	if !req.user.Staff && !req.user.MayOrderWithoutReview {
		nonField(MsgNoPermission)
		return
	}
	if mp.syncPorts && len(mp.subnets) > 0 {
		nonField(MsgSyncPortsWithSubnets)
		return
	}
	for _, vt := range mp.volumeTypes {
		srcType, dstType := s.st.volumeTypes.m[vt[0]], s.st.volumeTypes.m[vt[1]]
		if srcType == nil || dstType == nil || srcTenant == nil {
			// VolumeType.objects.get() on an unknown uuid, or a source whose tenant is gone: an unhandled
			// exception in Waldur.
			htmlError(req.w, http.StatusInternalServerError)
			return
		}
		found := false
		for _, t := range s.st.tenantVolumeTypes(srcTenant) {
			found = found || t.UUID == srcType.UUID
		}
		if !found {
			nonField(MsgSrcTypeNotInTenant)
			return
		}
		if dstType.SettingsUUID != dstOff.ScopeUUID {
			nonField(fmt.Sprintf(MsgDstTypeNotInSettingsFmt, dashed(dstType.UUID)))
			return
		}
	}
	if srcTenant == nil || (hasDescription && s.opts.DescriptionCauses500) {
		htmlError(req.w, http.StatusInternalServerError)
		return
	}

	// Create: everything below happens in one transaction in Waldur.
	if name == "" {
		name = src.name
	}
	if description == "" {
		description = src.description
	}
	vtNames := map[string]string{}
	for _, vt := range mp.volumeTypes {
		vtNames[s.st.volumeTypes.m[vt[0]].Name] = s.st.volumeTypes.m[vt[1]].Name
	}
	limits := waldurLimits(src.limits, vtNames)
	quotas := maps.Clone(limits)
	for _, k := range []string{"instances", "volumes", "snapshots", "security_group_count", "security_group_rule_count"} {
		if v, ok := srcTenant.Quotas[k]; ok {
			quotas[k] = v
		}
	}
	now := s.st.now()
	dstTenant := &tenantRec{
		Tenant: Tenant{
			UUID: newUUID(), OfferingUUID: dstOff.UUID, PlanUUID: plan.UUID, ProjectUUID: srcTenant.ProjectUUID,
			Name: name, Description: description, UserUsername: usernameFor(name), UserPassword: password(),
			Quotas: quotas, Limits: maps.Clone(limits), VolumeTypeUUIDs: nil,
		},
		settingsUUID: dstOff.ScopeUUID, state: "CREATION_SCHEDULED", created: now, modified: now,
	}
	dstRes := &resourceRec{
		uuid: newUUID(), name: name, description: description, state: "Creating", tenantUUID: dstTenant.UUID,
		offeringUUID: dstOff.UUID, planUUID: plan.UUID, projectUUID: src.projectUUID, limits: limits,
		created: now, modified: now,
	}
	dstTenant.ResourceUUID = dstRes.uuid
	s.st.tenants.add(dstTenant.UUID, dstTenant)
	s.st.resources.add(dstRes.uuid, dstRes)
	m := &migrationRec{
		uuid: newUUID(), created: now, modified: now, mappings: mp.stored, createdBy: req.user,
		srcResource: src.uuid, dstResource: dstRes.uuid, state: "CREATION_SCHEDULED",
		name: name, description: description, selectNetworks: len(mp.networks) > 0, networkUUIDs: mp.networks,
		subnets: mp.subnets, volumeTypes: mp.volumeTypes, skipExtnet: mp.skipExtnet, syncPorts: mp.syncPorts,
	}
	s.st.migrations.add(m.uuid, m)
	s.logf("waldurtest: migration %s of %s scheduled", m.uuid, src.uuid)
	s.wg.Add(1)
	go s.runMigration(m.uuid)

	if s.opts.CreateResponseWithUUID {
		writeJSON(req.w, http.StatusCreated, s.renderMigration(m))
		return
	}
	writeJSON(req.w, http.StatusCreated, map[string]any{"mappings": m.mappings, "src_resource": src.uuid})
}

// waldurLimits is Waldur's get_limits: cores, ram and storage are copied; per-type gigabytes_<type> are
// renamed through the volume-type map and summed, and only when a map is given (dropped otherwise).
func waldurLimits(src map[string]int, vtNames map[string]string) map[string]int {
	limits := map[string]int{}
	for _, k := range []string{"ram", "cores", "storage"} {
		if v, ok := src[k]; ok {
			limits[k] = v
		}
	}
	if len(vtNames) == 0 {
		return limits
	}
	sums := map[string]int{}
	for k, v := range src {
		name, ok := strings.CutPrefix(k, "gigabytes_")
		if !ok || name == "" || v == 0 {
			continue
		}
		if d, ok := vtNames[name]; ok {
			k = "gigabytes_" + d
		}
		sums[k] += v
	}
	maps.Copy(limits, sums)
	return limits
}

// mappingsInput is the validated mappings of a create.
type mappingsInput struct {
	stored      map[string]any // as Waldur stores and shows them: without networks
	volumeTypes [][2]string
	subnets     []SubnetMapping
	networks    []string
	skipExtnet  bool
	syncPorts   bool
}

// mappingsField validates the nested MappingSerializer, adding its errors under "mappings".
func (s *Server) mappingsField(errs map[string]any, obj map[string]any) mappingsInput {
	in := mappingsInput{stored: map[string]any{"skip_connection_extnet": false, "sync_instance_ports": false}}
	v, present := obj["mappings"]
	if !present {
		return in
	}
	if v == nil {
		errs["mappings"] = []string{MsgNull}
		return in
	}
	m, ok := v.(map[string]any)
	if !ok {
		errs["mappings"] = map[string]any{"non_field_errors": []string{"Invalid data. Expected a dictionary, but got " + pyType(v) + "."}}
		return in
	}
	me := map[string]any{}

	nestedList(me, m, "volume_types", in.stored, func(errs, o map[string]any) map[string]any {
		src := uuidField(errs, o, "src_type_uuid")
		dst := uuidField(errs, o, "dst_type_uuid")
		if len(errs) > 0 {
			return nil
		}
		in.volumeTypes = append(in.volumeTypes, [2]string{src, dst})
		return map[string]any{"src_type_uuid": dashed(src), "dst_type_uuid": dashed(dst)}
	})
	nestedList(me, m, "subnets", in.stored, func(errs, o map[string]any) map[string]any {
		src := cidrField(errs, o, "src_cidr")
		dst := cidrField(errs, o, "dst_cidr")
		if len(errs) > 0 {
			return nil
		}
		in.subnets = append(in.subnets, SubnetMapping{SrcCIDR: src, DstCIDR: dst})
		return map[string]any{"src_cidr": src, "dst_cidr": dst}
	})

	in.skipExtnet = boolField(me, m, "skip_connection_extnet")
	in.syncPorts = boolField(me, m, "sync_instance_ports")
	in.stored["skip_connection_extnet"] = in.skipExtnet
	in.stored["sync_instance_ports"] = in.syncPorts

	if nv, present := m["networks"]; present {
		switch items := nv.(type) {
		case nil:
			me["networks"] = []string{MsgNull}
		case []any:
			for _, it := range items {
				id, msg := s.lookupNetwork(it)
				if msg != "" {
					// A many-related field stops at its first bad item.
					me["networks"] = []string{msg}
					break
				}
				in.networks = append(in.networks, id)
			}
		default:
			me["networks"] = []string{fmt.Sprintf("Expected a list of items but got type %q.", pyType(nv))}
		}
	}

	if len(me) > 0 {
		errs["mappings"] = me
	}
	return in
}

func (s *Server) lookupNetwork(v any) (string, string) {
	str, ok := v.(string)
	if !ok {
		if n, isNum := v.(json.Number); isNum {
			str = n.String()
		} else {
			return "", "Invalid value."
		}
	}
	id, ok := normUUID(str)
	if !ok {
		return "", fmt.Sprintf(MsgInvalidUUIDFmt, str)
	}
	if s.st.networks.m[id] == nil {
		return "", fmt.Sprintf(MsgDoesNotExistFmt, str)
	}
	return id, ""
}

// relatedField is a SlugRelatedField on uuid: required, a uuid, of an object that exists.
func relatedField(errs map[string]any, obj map[string]any, key string, exists func(string) bool) string {
	v, present := obj[key]
	if !present {
		errs[key] = []string{MsgRequired}
		return ""
	}
	var str string
	switch t := v.(type) {
	case nil:
		errs[key] = []string{MsgNull}
		return ""
	case string:
		str = t
	case json.Number:
		str = t.String()
	default:
		errs[key] = []string{"Invalid value."}
		return ""
	}
	if str == "" {
		errs[key] = []string{MsgNull}
		return ""
	}
	id, ok := normUUID(str)
	if !ok {
		errs[key] = []string{fmt.Sprintf(MsgInvalidUUIDFmt, str)}
		return ""
	}
	if !exists(id) {
		errs[key] = []string{fmt.Sprintf(MsgDoesNotExistFmt, str)}
		return ""
	}
	return id
}

// charField is an optional CharField (trimmed, not blank).
func charField(errs map[string]any, obj map[string]any, key string) (string, bool) {
	v, present := obj[key]
	if !present {
		return "", false
	}
	var str string
	switch t := v.(type) {
	case nil:
		errs[key] = []string{MsgNull}
		return "", true
	case string:
		str = strings.TrimSpace(t)
	case json.Number:
		str = t.String()
	default:
		errs[key] = []string{"Not a valid string."}
		return "", true
	}
	if str == "" {
		errs[key] = []string{MsgBlank}
	}
	return str, true
}

// uuidField is a required UUIDField of a nested serializer.
func uuidField(errs map[string]any, obj map[string]any, key string) string {
	v, present := obj[key]
	if !present {
		errs[key] = []string{MsgRequired}
		return ""
	}
	if v == nil {
		errs[key] = []string{MsgNull}
		return ""
	}
	str, _ := v.(string)
	id, ok := normUUID(str)
	if !ok {
		errs[key] = []string{MsgMustBeUUID}
		return ""
	}
	return id
}

// cidrField is a required CharField with validate_private_subnet_cidr.
func cidrField(errs map[string]any, obj map[string]any, key string) string {
	str, present := charField(errs, obj, key)
	if !present {
		errs[key] = []string{MsgRequired}
		return ""
	}
	if _, bad := errs[key]; bad {
		return ""
	}
	if msg := privateSubnetCIDR(str); msg != "" {
		errs[key] = []string{msg}
		return ""
	}
	return str
}

// nestedList validates a list of nested serializers (DRF's many=True) under key: each item must be an
// object, which item checks, adding its errors to the item's own map and returning what Waldur stores
// for it. With any bad item the field's error is the list of per-item maps (empty for good items), as
// DRF reports it; otherwise what the items stored is kept in stored[key].
func nestedList(errs, obj map[string]any, key string, stored map[string]any, item func(errs, obj map[string]any) map[string]any) {
	items, ok := listField(errs, obj, key)
	if !ok {
		return
	}
	itemErrs, bad := make([]map[string]any, len(items)), false
	var kept []map[string]any
	for i, it := range items {
		itemErrs[i] = map[string]any{}
		o, ok := it.(map[string]any)
		if !ok {
			itemErrs[i]["non_field_errors"] = []string{"Invalid data. Expected a dictionary, but got " + pyType(it) + "."}
			bad = true
			continue
		}
		if s := item(itemErrs[i], o); len(itemErrs[i]) == 0 {
			kept = append(kept, s)
		} else {
			bad = true
		}
	}
	if bad {
		errs[key] = itemErrs
	} else {
		stored[key] = nonNil(kept)
	}
}

// listField is a many=True nested serializer: absent is fine, null or a non-list is an error.
func listField(errs map[string]any, obj map[string]any, key string) ([]any, bool) {
	v, present := obj[key]
	if !present {
		return nil, false
	}
	switch t := v.(type) {
	case nil:
		errs[key] = []string{MsgNull}
	case []any:
		return t, true
	default:
		errs[key] = map[string]any{"non_field_errors": []string{fmt.Sprintf("Expected a list of items but got type %q.", pyType(v))}}
	}
	return nil, false
}

// boolField is a BooleanField(default=False) with DRF's accepted spellings.
func boolField(errs map[string]any, obj map[string]any, key string) bool {
	v, present := obj[key]
	if !present {
		return false
	}
	switch t := v.(type) {
	case bool:
		return t
	case nil:
		errs[key] = []string{MsgNull}
		return false
	case string:
		switch t {
		case "t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1":
			return true
		case "f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0":
			return false
		}
	case json.Number:
		switch t.String() {
		case "1":
			return true
		case "0", "0.0":
			return false
		}
	}
	errs[key] = []string{"Must be a valid boolean."}
	return false
}

// pyType names a decoded JSON value by the Python type DRF would report.
func pyType(v any) string {
	switch t := v.(type) {
	case nil:
		return "NoneType"
	case string:
		return "str"
	case bool:
		return "bool"
	case json.Number:
		if strings.ContainsAny(t.String(), ".eE") {
			return "float"
		}
		return "int"
	case []any:
		return "list"
	case map[string]any:
		return "dict"
	}
	return fmt.Sprintf("%T", v)
}

func nonNil(v []map[string]any) []map[string]any {
	if v == nil {
		return []map[string]any{}
	}
	return v
}

// runMigration is the Celery task: CREATION_SCHEDULED for a step, then CREATING while the Runner works
// (at least a step), then OK or ERRED, with the Create order recorded.
func (s *Server) runMigration(id string) {
	defer s.wg.Done()
	if !s.sleep(s.opts.StepDuration) {
		return
	}
	s.mu.Lock()
	m := s.st.migrations.m[id]
	if m == nil { // deleted meanwhile: Waldur's task would find nothing either
		s.mu.Unlock()
		return
	}
	dstRes := s.st.resources.m[m.dstResource]
	dstTenant := s.st.tenants.m[dstRes.tenantUUID]
	m.state, m.modified = "CREATING", s.st.now()
	dstTenant.state, dstTenant.modified = "CREATING", m.modified
	runReq := s.migrationRequest(m)
	s.mu.Unlock()
	s.logf("waldurtest: migration %s creating", id)

	start := time.Now()
	res, err := s.callRunner(runReq)
	if rest := s.opts.StepDuration - time.Since(start); rest > 0 && !s.sleep(rest) {
		return
	}
	if s.ctx.Err() != nil {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && res.TenantBackendID == "" {
		err = fmt.Errorf("the runner reported no backend id for the new tenant")
	}
	if err == nil {
		if _, rerr := s.st.register(dstTenant.UUID, res.Objects, nil); rerr != nil {
			err = fmt.Errorf("registering the new tenant's objects: %w", rerr)
		}
	}
	now := s.st.now()
	order := s.newOrder(dstRes, "Create", m.createdBy)
	order.completedAt = &now
	m.modified, dstTenant.modified, dstRes.modified = now, now, now
	if err != nil {
		msg := err.Error()
		m.state, m.errorMessage = "ERRED", msg
		m.errorTraceback = "Traceback (most recent call last):\n" +
			"  File \"/usr/src/waldur/src/waldur_openstack/migration/tasks.py\", line 42, in run\n" +
			"    executor.execute(migration)\n" +
			"waldur_openstack.exceptions.OpenStackBackendError: " + msg + "\n"
		dstTenant.state, dstTenant.errorMessage = "ERRED", msg
		dstRes.state, dstRes.errorMessage = "Erred", msg
		order.state, order.errorMessage = "erred", msg
		s.logf("waldurtest: migration %s erred: %s", id, msg)
		return
	}
	dstTenant.BackendID = res.TenantBackendID
	if res.Username != "" {
		dstTenant.UserUsername = res.Username
	}
	if res.Password != "" {
		dstTenant.UserPassword = res.Password
	}
	dstTenant.ExternalNetworkID = res.ExternalNetworkID
	dstTenant.internalNetworkID = res.InternalNetworkID
	if res.Quotas != nil {
		dstTenant.Quotas = maps.Clone(res.Quotas)
	}
	m.state, dstTenant.state, dstRes.state, order.state = "OK", "OK", "OK", "done"
	s.logf("waldurtest: migration %s OK", id)
}

func (s *Server) callRunner(req MigrationRequest) (res RunResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = panicError(p)
		}
	}()
	return s.opts.Runner(s.ctx, req)
}

func panicError(p any) error { return fmt.Errorf("internal error: %v", p) }

// migrationRequest resolves a migration into what a Runner needs.
func (s *Server) migrationRequest(m *migrationRec) MigrationRequest {
	src := s.st.resources.m[m.srcResource]
	dst := s.st.resources.m[m.dstResource]
	srcTenant := s.st.tenants.m[src.tenantUUID]
	req := MigrationRequest{
		MigrationUUID: m.uuid,
		Name:          m.name,
		Description:   m.description,
		Source:        s.tenantInfo(srcTenant),
		SourceObjects: s.st.objectsOf(srcTenant.UUID),
		Destination:   s.tenantInfo(s.st.tenants.m[dst.tenantUUID]),
		Mappings: RunMappings{
			SelectNetworks:       m.selectNetworks,
			Subnets:              append([]SubnetMapping(nil), m.subnets...),
			SkipConnectionExtnet: m.skipExtnet,
			SyncInstancePorts:    m.syncPorts,
		},
	}
	for _, id := range m.networkUUIDs {
		// Waldur keeps only the selected networks that belong to the source tenant.
		if n := s.st.networks.m[id]; n != nil && n.TenantUUID == srcTenant.UUID {
			req.Mappings.Networks = append(req.Mappings.Networks, n.BackendID)
		}
	}
	for _, vt := range m.volumeTypes {
		req.Mappings.VolumeTypes = append(req.Mappings.VolumeTypes, VolumeTypeMapping{
			Src: *s.st.volumeTypes.m[vt[0]], Dst: *s.st.volumeTypes.m[vt[1]],
		})
	}
	return req
}

func (s *Server) tenantInfo(t *tenantRec) TenantInfo {
	info := TenantInfo{
		UUID: t.UUID, ResourceUUID: t.ResourceUUID, Name: t.Name, Description: t.Description,
		BackendID: t.BackendID, Limits: maps.Clone(t.Limits), Quotas: maps.Clone(t.Quotas),
	}
	if r := s.resourceOf(t.UUID); r != nil {
		info.ResourceUUID = r.uuid
		info.Limits = maps.Clone(r.limits)
		if o := s.st.offerings.m[r.offeringUUID]; o != nil {
			set := s.st.settings.m[o.ScopeUUID]
			info.Offering = OfferingInfo{UUID: o.UUID, Name: o.Name, ScopeUUID: set.uuid, ScopeName: set.name, Backend: set.backend}
		}
	}
	for _, vt := range s.st.tenantVolumeTypes(t) {
		info.VolumeTypes = append(info.VolumeTypes, *vt)
	}
	return info
}
