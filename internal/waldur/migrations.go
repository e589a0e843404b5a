package waldur

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/settle"
)

const migrationsPath = "openstack-migrations/"

// Migration is an OpenStack tenant migration as Waldur reports it.
type Migration struct {
	UUID              string        `json:"uuid"`
	Created           time.Time     `json:"created"`
	Modified          time.Time     `json:"modified"`
	Mappings          Mappings      `json:"mappings"`
	CreatedByUUID     string        `json:"created_by_uuid"`
	CreatedByFullName string        `json:"created_by_full_name"`
	SrcOfferingUUID   string        `json:"src_offering_uuid"`
	SrcOfferingName   string        `json:"src_offering_name"`
	DstOfferingUUID   string        `json:"dst_offering_uuid"`
	DstOfferingName   string        `json:"dst_offering_name"`
	SrcResourceUUID   string        `json:"src_resource_uuid"`
	SrcResourceName   string        `json:"src_resource_name"`
	DstResourceUUID   string        `json:"dst_resource_uuid"`
	DstResourceName   string        `json:"dst_resource_name"`
	DstResourceState  ResourceState `json:"dst_resource_state"`
	State             State         `json:"state"`
	ErrorMessage      string        `json:"error_message"`
	ErrorTraceback    string        `json:"error_traceback"`
}

// Mappings say what a migration copies and how. Waldur stores them without Networks (it consumes the
// network selection at create time), so a migration read back never has Networks.
type Mappings struct {
	VolumeTypes          []VolumeTypeMapping `json:"volume_types,omitempty"`
	Subnets              []SubnetMapping     `json:"subnets,omitempty"`
	SkipConnectionExtnet bool                `json:"skip_connection_extnet"`
	SyncInstancePorts    bool                `json:"sync_instance_ports"`
	Networks             []string            `json:"networks,omitempty"`
}

// VolumeTypeMapping maps a source volume type to a destination one (uuids of Waldur volume types).
type VolumeTypeMapping struct {
	SrcTypeUUID string `json:"src_type_uuid"`
	DstTypeUUID string `json:"dst_type_uuid"`
}

// SubnetMapping remaps a source subnet CIDR to a destination CIDR.
type SubnetMapping struct {
	SrcCIDR string `json:"src_cidr"`
	DstCIDR string `json:"dst_cidr"`
}

// MigrationCreateRequest is the body of POST /api/openstack-migrations/. SrcResource is the marketplace
// resource of the source tenant; DstOffering and DstPlan are a public offering and one of its plans. An
// empty Name or Description is left out: Waldur then uses the source's.
type MigrationCreateRequest struct {
	SrcResource string
	DstOffering string
	DstPlan     string
	Name        string
	Description string
	Mappings    *Mappings
}

// Body is the JSON object sent to Waldur. It is a pure function of the request.
func (r MigrationCreateRequest) Body() map[string]any {
	body := map[string]any{}
	// An empty uuid is left out rather than sent as "": Waldur then says "This field is required."
	// instead of "This field may not be null.".
	for key, v := range map[string]string{"src_resource": r.SrcResource, "dst_offering": r.DstOffering, "dst_plan": r.DstPlan} {
		if v = strings.TrimSpace(v); v != "" {
			body[key] = v
		}
	}
	if s := strings.TrimSpace(r.Name); s != "" {
		body["name"] = s
	}
	if s := strings.TrimSpace(r.Description); s != "" {
		body["description"] = s
	}
	if m := r.Mappings; m != nil {
		mb := map[string]any{
			"skip_connection_extnet": m.SkipConnectionExtnet,
			"sync_instance_ports":    m.SyncInstancePorts,
		}
		if len(m.VolumeTypes) > 0 {
			vts := make([]map[string]string, 0, len(m.VolumeTypes))
			for _, vt := range m.VolumeTypes {
				vts = append(vts, map[string]string{
					"src_type_uuid": strings.TrimSpace(vt.SrcTypeUUID),
					"dst_type_uuid": strings.TrimSpace(vt.DstTypeUUID),
				})
			}
			mb["volume_types"] = vts
		}
		if len(m.Subnets) > 0 {
			subs := make([]map[string]string, 0, len(m.Subnets))
			for _, s := range m.Subnets {
				subs = append(subs, map[string]string{
					"src_cidr": strings.TrimSpace(s.SrcCIDR),
					"dst_cidr": strings.TrimSpace(s.DstCIDR),
				})
			}
			mb["subnets"] = subs
		}
		if len(m.Networks) > 0 {
			nets := make([]string, 0, len(m.Networks))
			for _, n := range m.Networks {
				nets = append(nets, strings.TrimSpace(n))
			}
			mb["networks"] = nets
		}
		body["mappings"] = mb
	}
	return body
}

// Validate checks what Waldur checks without looking anything up: required uuids and their format,
// subnet CIDRs (valid IPv4 networks, /24, private), and sync_instance_ports without subnet remaps. It
// returns FieldErrors keyed like Waldur's answers ("mappings.subnets.0.dst_cidr"), with the
// sync_instance_ports conflict under "mappings.sync_instance_ports". Checks that need Waldur's data (the
// plan belongs to the offering, volume types exist where they should) are the caller's.
func (r MigrationCreateRequest) Validate() error {
	errs := FieldErrors{}
	for _, f := range []struct{ key, val string }{
		{"src_resource", r.SrcResource}, {"dst_offering", r.DstOffering}, {"dst_plan", r.DstPlan},
	} {
		switch {
		case strings.TrimSpace(f.val) == "":
			errs.add(f.key, "This field is required.")
		case !IsUUID(f.val):
			errs.add(f.key, fmt.Sprintf("%q is not a valid UUID.", strings.TrimSpace(f.val)))
		}
	}
	if m := r.Mappings; m != nil {
		for i, vt := range m.VolumeTypes {
			for _, f := range []struct{ key, val string }{{"src_type_uuid", vt.SrcTypeUUID}, {"dst_type_uuid", vt.DstTypeUUID}} {
				if !IsUUID(f.val) {
					errs.add("mappings.volume_types."+strconv.Itoa(i)+"."+f.key, "Must be a valid UUID.")
				}
			}
		}
		for i, s := range m.Subnets {
			for _, f := range []struct{ key, val string }{{"src_cidr", s.SrcCIDR}, {"dst_cidr", s.DstCIDR}} {
				if err := ValidatePrivateSubnetCIDR(f.val); err != nil {
					errs.add("mappings.subnets."+strconv.Itoa(i)+"."+f.key, err.Error())
				}
			}
		}
		for i, n := range m.Networks {
			if !IsUUID(n) {
				errs.add("mappings.networks."+strconv.Itoa(i), fmt.Sprintf("%q is not a valid UUID.", strings.TrimSpace(n)))
			}
		}
		if m.SyncInstancePorts && len(m.Subnets) > 0 {
			errs.add("mappings.sync_instance_ports", MsgSyncPortsWithSubnets)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Waldur's own messages for the checks Validate repeats.
const (
	MsgInvalidIPv4          = "Enter a valid IPv4 address."
	MsgPrefixNot24          = "Network mask length should be equal to 24."
	MsgNotPrivate           = "A private network CIDR is expected."
	MsgSyncPortsWithSubnets = "sync_instance_ports cannot be used together with subnets mappings."
)

// CreateMigration posts a migration and returns it as Waldur stores it.
//
// A POST is never repeated (a second one would build a second tenant), so when its outcome is unknown
// (IsAmbiguous: a 500/502/504, a dropped connection, the header timeout, a stopped run) or the answer
// has no uuid (the schema documents only mappings and src_resource, and some versions answer just that),
// the migration is looked up: the one of this source, destination offering and name, created by the
// token's user, that was not there before the POST (FindCreated). Never "the newest of the source",
// which with a staff token or two migrations of one source can be someone else's. When the lookup finds
// none after an ambiguous POST, the POST's error is returned: Waldur did not create it (or has not yet:
// the caller's next attempt adopts it then, see Adoptable).
//
// Once the POST has been sent, the migration may exist and Waldur goes on with it, so reading it back
// outlives ctx by up to settle.DefaultGrace: a run stopped meanwhile still learns what it created. When
// reading it back fails but the answer had the uuid, it returns the migration as far as the answer shows
// it, with the error: the caller must record it.
func (c *Client) CreateMigration(ctx context.Context, req MigrationCreateRequest) (*Migration, error) {
	me, err := c.CurrentUser(ctx)
	if err != nil {
		return nil, fmt.Errorf("waldur: reading the token's user before creating a migration: %w", err)
	}
	before := map[string]bool{}
	// A source that is no uuid cannot be listed by (Waldur refuses the filter); its POST is refused too.
	if IsUUID(req.SrcResource) {
		prior, err := c.ListMigrations(ctx, MigrationFilter{SrcResourceUUID: req.SrcResource})
		if err != nil {
			return nil, fmt.Errorf("waldur: listing the source's migrations before creating one: %w", err)
		}
		for _, m := range prior {
			before[m.UUID] = true
		}
	}
	var created struct {
		Migration
		SrcResource string `json:"src_resource"`
	}
	postErr := c.postJSON(ctx, migrationsPath, req.Body(), &created)
	if postErr != nil && !IsAmbiguous(postErr) {
		return nil, postErr
	}
	ctx, done := settle.Detach(ctx, settle.DefaultGrace)
	defer done()
	if postErr == nil && created.UUID != "" {
		if created.State != "" && !created.Created.IsZero() {
			m := created.Migration
			return &m, nil
		}
		m, err := c.GetMigration(ctx, created.UUID)
		if err != nil {
			partial := created.Migration
			return &partial, fmt.Errorf("waldur: migration %s was created, but reading it failed: %w", created.UUID, err)
		}
		return m, nil
	}
	m, err := c.FindCreated(ctx, req, me.UUID, before)
	switch {
	case err != nil && postErr != nil:
		return nil, fmt.Errorf("%w (and looking up whether Waldur created the migration all the same failed: %v)", postErr, err)
	case err != nil:
		return nil, fmt.Errorf("waldur: the migration was created but its answer had no uuid, and looking it up failed: %w", err)
	case m == nil && postErr != nil:
		return nil, fmt.Errorf("%w (Waldur shows no migration made by it)", postErr)
	case m == nil:
		return nil, errors.New("waldur: the migration was created but its answer had no uuid, and Waldur lists no new migration of this source, offering and name by the token's user")
	}
	return m, nil
}

// FindCreated looks for the migration a create request made: of its source, destination offering and
// name (the source's when the request has none), created by userUUID, and not one of before. It returns
// nil when there is none, and an error when there are several (it never guesses).
func (c *Client) FindCreated(ctx context.Context, req MigrationCreateRequest, userUUID string, before map[string]bool) (*Migration, error) {
	list, err := c.ListMigrations(ctx, MigrationFilter{SrcResourceUUID: req.SrcResource})
	if err != nil {
		return nil, err
	}
	var found []Migration
	for _, m := range list {
		if !before[m.UUID] && m.matches(req, userUUID) {
			found = append(found, m)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return &found[0], nil
	}
	ids := make([]string, len(found))
	for i, m := range found {
		ids[i] = m.UUID
	}
	return nil, fmt.Errorf("waldur: %d new migrations match the create (%s); not guessing which is this one", len(found), strings.Join(ids, ", "))
}

// Adoptable is the migration that an earlier run of the same create request started and that can be
// carried on instead of posting another: of the request's source, destination offering and name (the
// source's when the request has none), created by userUUID, not ERRED, its destination not terminated.
// Of several, the newest. nil when there is none.
func Adoptable(list []Migration, req MigrationCreateRequest, userUUID string) *Migration {
	var ok []Migration
	for _, m := range list {
		if m.matches(req, userUUID) && m.State != StateErred &&
			m.DstResourceState != ResourceTerminated && m.DstResourceState != ResourceTerminating {
			ok = append(ok, m)
		}
	}
	return NewestOf(ok)
}

// matches says whether m is of req's source, destination offering and name, created by userUUID.
func (m Migration) matches(req MigrationCreateRequest, userUUID string) bool {
	name := strings.TrimSpace(req.Name)
	if name == "" {
		name = m.SrcResourceName
	}
	return userUUID != "" && SameUUID(m.CreatedByUUID, userUUID) &&
		SameUUID(m.SrcResourceUUID, req.SrcResource) && SameUUID(m.DstOfferingUUID, req.DstOffering) &&
		m.DstResourceName == name
}

// NewestOf picks the migration with the latest created time; on a tie, the one listed last (Waldur
// lists migrations oldest first). It returns nil for an empty list.
func NewestOf(list []Migration) *Migration {
	var best *Migration
	for i := range list {
		if best == nil || !list[i].Created.Before(best.Created) {
			best = &list[i]
		}
	}
	if best == nil {
		return nil
	}
	m := *best
	return &m
}

// GetMigration reads one migration.
func (c *Client) GetMigration(ctx context.Context, uuid string) (*Migration, error) {
	if err := requireUUID("migration", uuid); err != nil {
		return nil, err
	}
	var m Migration
	if err := c.getJSON(ctx, detailPath(migrationsPath, uuid), &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// MigrationFilter narrows ListMigrations; empty fields do not filter.
type MigrationFilter struct {
	SrcResourceUUID string
	DstResourceUUID string
}

// ListMigrations lists the migrations visible to the token's user (staff see all, others their own).
func (c *Client) ListMigrations(ctx context.Context, f MigrationFilter) ([]Migration, error) {
	q := filterQuery(url.Values{})
	q.set("src_resource_uuid", f.SrcResourceUUID)
	q.set("dst_resource_uuid", f.DstResourceUUID)
	return listAll[Migration](ctx, c, migrationsPath, url.Values(q))
}

// DeleteMigration deletes the migration record. The destination tenant stays: terminating it is a
// separate call (TerminateResource on the migration's DstResourceUUID). A DELETE is retried after a
// gateway error, so a 404 (IsNotFound) can also mean an earlier attempt succeeded: treat it as gone.
func (c *Client) DeleteMigration(ctx context.Context, uuid string) error {
	if err := requireUUID("migration", uuid); err != nil {
		return err
	}
	return c.delete(ctx, detailPath(migrationsPath, uuid))
}
