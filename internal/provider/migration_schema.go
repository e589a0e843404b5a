package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// migrationSchema is the schema of waldur_openstack_migration. It fits both backends: in the Waldur
// backend the ids are Waldur UUIDs, in the standalone backend the opaque strings of
// internal/backend/standalone/ids.go.
func migrationSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		Version: migrationSchemaVersion,
		MarkdownDescription: "Copies an OpenStack tenant (a Keystone project with its quotas, networks, subnets, routers, " +
			"security groups and, optionally, ports) into a new tenant in another cloud or region, with CIDR and volume type " +
			"mappings applied. Infrastructure only: no instances, no volume data.\n\n" +
			"`terraform plan` shows what will be built in `preview`; bad inputs are plan-time errors on the offending " +
			"attribute. If an apply fails midway the partial result is saved (`state = \"ERRED\"`) and the resource is " +
			"tainted: the next `terraform apply` resumes, adopting what the failed run built instead of duplicating it.\n\n" +
			"By default (`follow_source = false`) the migration is a one-off copy: the source's later changes (it is usually " +
			"changed or decommissioned after a move) are not looked at, and never show in a plan. With `follow_source = true` it " +
			"is a replica (disaster recovery, a development copy kept current): every refresh compares the copy with the source " +
			"as it is now, records the difference in `source_drift`, and the plan brings the copy in line in place, showing " +
			"the new `preview`. Copies deleted from the destination are rebuilt in place either way (`state = \"INCOMPLETE\"`).\n\n" +
			"With an OpenStack offering (the standalone backend) a change of `mappings` is applied in place too, into the " +
			"same project. `src_resource`, `dst_offering`, `dst_plan`, `name` and `description` force a new migration; with " +
			"a Waldur offering, whose migration API copies a tenant once, so do `mappings`; a replica's drift there is reported " +
			"in `source_drift` and in a warning, never applied. `destroy_destination`, `destroy_foreign_objects`, `concurrency`, " +
			"`follow_source` and `timeouts` change in place. With " +
			"`destroy_destination = false` (the default) a replacement forgets the old migration and keeps its tenant, so a " +
			"new migration with the same `name` and source adopts that tenant; set `destroy_destination = true` (or change " +
			"`name`) to rebuild from scratch. Do not combine `destroy_destination = true` with `create_before_destroy`: " +
			"both instances would name the same tenant.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the migration. Standalone backend: `<dst offering>/<dst project id>`, equal to `dst_resource_uuid`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"src_resource": schema.StringAttribute{
				MarkdownDescription: "The source tenant. Standalone backend: `<offering>/<keystone project id>`, as the `id` of the " +
					"`waldur_openstack_tenant` data source. Waldur backend: the UUID of the tenant's marketplace resource. Changing it forces a new migration.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), noWhitespace()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"dst_offering": schema.StringAttribute{
				MarkdownDescription: "Where the new tenant goes: the `uuid` of a `waldur_marketplace_offering`. Standalone backend: " +
					"the offering's name in the provider's `openstack.offerings`. Changing it forces a new migration.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), noWhitespace()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"dst_plan": schema.StringAttribute{
				MarkdownDescription: "Billing plan of the new tenant: the `uuid` of one of the offering's `plans`. Required by the " +
					"Waldur backend; optional in the standalone backend, whose offerings have the single plan `default`. Changing it forces a new migration.",
				Optional:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), noWhitespace()},
				PlanModifiers: []planmodifier.String{requiresReplaceUnlessImported()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the new tenant (Keystone project), at most 64 characters. Defaults to the source " +
					"tenant's name. Changing it forces a new migration.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.LengthBetween(1, 64)},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the new tenant. Defaults to the source tenant's description. Changing it forces a new migration.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtMost(1024)},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"mappings": schema.SingleNestedAttribute{
				MarkdownDescription: "How the copy differs from the source. Omitted: everything is copied as it is, ports excepted. " +
					"With an OpenStack offering a change is applied in place: the migration runs again into the same project " +
					"with the new mappings (the plan shows the new `preview`): copies are updated, subnets whose CIDR changed " +
					"are replaced, newly selected networks copied. Networks no longer selected are removed only with " +
					"`follow_source = true`; otherwise they stay in the destination (and in the id maps). With a Waldur " +
					"offering a change forces a new migration. On the first apply after an import the configured value is " +
					"recorded without rebuilding.",
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"networks": schema.ListAttribute{
						MarkdownDescription: "Ids of the source networks to copy, with their subnets; omitted or empty copies every " +
							"network of the tenant. Each must be a network of the source tenant (`networks[*].id` of `waldur_openstack_tenant`).",
						Optional:    true,
						ElementType: types.StringType,
						Validators: []validator.List{
							listvalidator.UniqueValues(),
							listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1), noWhitespace()),
						},
					},
					"subnets": schema.ListNestedAttribute{
						MarkdownDescription: "CIDR remaps: a copied subnet whose CIDR is `src_cidr` gets `dst_cidr`. Allocation pools, " +
							"the gateway, host routes, router interface addresses and static routes move to the same offsets; pools " +
							"that do not fit are regenerated. Cannot be combined with `sync_instance_ports`.",
						Optional:   true,
						Validators: []validator.List{disjointRemaps()},
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"src_cidr": schema.StringAttribute{
								MarkdownDescription: "CIDR of a subnet of a copied source network, for example `10.0.0.0/24`.",
								Required:            true,
								Validators:          []validator.String{cidr()},
							},
							"dst_cidr": schema.StringAttribute{
								MarkdownDescription: "CIDR the subnet gets in the new tenant: a private network (inside `10.0.0.0/8`, " +
									"`172.16.0.0/12` or `192.168.0.0/16`; `fc00::/7` for IPv6) of the same IP version, not overlapping another `dst_cidr`.",
								Required:   true,
								Validators: []validator.String{cidr(), privateNetwork()},
							},
						}},
					},
					"volume_types": schema.ListNestedAttribute{
						MarkdownDescription: "Volume type map, applied to the per-type block storage quotas " +
							"(`gigabytes_<type>`, `volumes_<type>`, `snapshots_<type>`). Several source types may map onto one " +
							"destination type: their quotas are summed (unlimited stays unlimited). Unmapped types keep their name.",
						Optional: true,
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"src_type_uuid": schema.StringAttribute{
								MarkdownDescription: "A volume type available in the source tenant (`uuid` of `waldur_openstack_volume_type`).",
								Required:            true,
								Validators:          []validator.String{stringvalidator.LengthAtLeast(1), noWhitespace()},
							},
							"dst_type_uuid": schema.StringAttribute{
								MarkdownDescription: "A volume type of the destination offering (`uuid` of `waldur_openstack_volume_type`).",
								Required:            true,
								Validators:          []validator.String{stringvalidator.LengthAtLeast(1), noWhitespace()},
							},
						}},
					},
					"sync_instance_ports": schema.BoolAttribute{
						MarkdownDescription: "Also copy the ports of instances and free VIP ports, keeping their fixed IPs and, where " +
							"the destination allows it, their MAC addresses. Cannot be combined with `subnets`. Defaults to `false`.",
						Optional:   true,
						Computed:   true,
						Default:    booldefault.StaticBool(false),
						Validators: []validator.Bool{portsKeepAddresses()},
					},
					"skip_connection_extnet": schema.BoolAttribute{
						MarkdownDescription: "Do not give the new tenant's routers a gateway on the destination's external network. Defaults to `false`.",
						Optional:            true,
						Computed:            true,
						Default:             booldefault.StaticBool(false),
					},
					"floating_ips": schema.StringAttribute{
						MarkdownDescription: "Which source floating IPs get one on the destination's external network (standalone " +
							"backend; Waldur's migration copies none, and the preview says so): `all` (the default: a replica " +
							"that is to take over needs its public addresses, free ones included, which are often reserved " +
							"for a failover), `associated` (only those associated with a port in the source) or `none`. A " +
							"floating IP is associated with the copy of its port at the same fixed IP when the port is copied " +
							"(`sync_instance_ports`) and a copied router connects its subnet to the external network; " +
							"otherwise it is allocated free and the lost association listed in `skipped`. Addresses cannot " +
							"move between external networks: `floating_ip_addresses` maps the old ones to the new.",
						Optional:   true,
						Computed:   true,
						Default:    stringdefault.StaticString(replication.FloatingIPsAll),
						Validators: []validator.String{stringvalidator.OneOf(replication.FloatingIPsAll, replication.FloatingIPsAssociated, replication.FloatingIPsNone)},
					},
				},
			},
			"follow_source": schema.BoolAttribute{
				MarkdownDescription: "Whether the copy follows the source. `false` (the default): a one-off copy, as for a move, " +
					"after which the source is usually changed or decommissioned; following it would plan deleting the copy's " +
					"objects as the source is cleaned up. Refresh does not look at the source, and its changes never show in " +
					"a plan. `true`: a replica. Every refresh compares the destination with the source as it is now (planned " +
					"with `mappings`) and records the difference in `source_drift`; when there is one, the plan is an in-place " +
					"update, with the `preview` planned afresh, that adds what the source gained, updates what changed and " +
					"removes the copies whose source is gone (subnets whose CIDR changed are replaced). The destination " +
					"project, its user and password, and every copy in sync keep their ids. When the source cannot be read " +
					"(the source cloud down, its project gone: the disaster a replica is for), the replica is kept as it is, " +
					"nothing is planned, and refresh warns why. Turning it on plans such a sync at once. Can be changed " +
					"without a new migration. With a Waldur offering, whose migration API copies a tenant once and cannot update " +
					"the copy, refresh still records the drift in `source_drift` (comparing what Waldur shows of both tenants: " +
					"names, descriptions, CIDRs, gateways, allocation pools, DNS, host routes, DHCP, router interfaces and routes, " +
					"rules, ports' addresses, MACs, security groups and port security, and the limits), but the plan changes " +
					"nothing: neither an update nor a replacement. It warns on `follow_source` with the drift and what to do " +
					"instead: `terraform apply -replace=<address>` copies the source again into a new tenant, or the standalone " +
					"backend syncs in place. Use `source_drift` in a `check` block or an output to act on it.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"source_drift": schema.MapAttribute{
				MarkdownDescription: "With `follow_source = true`: how the destination differs from the source as of the last " +
					"refresh, by kind of object (the keys of `preview.counts`, and `quotas`): what the next apply adds, changes " +
					"(with the attributes that differ) and removes, by name, for example " +
					"`networks = \"add: reports; change: app (description)\"`, `routes = \"remove: edge: 10.10.3.128/25 via 10.10.2.10\"`. " +
					"Kinds in sync are absent: empty when the replica is in sync, and always empty with `follow_source = false` " +
					"or when the source could not be read. A plan that syncs the replica shows it going back to empty. With a " +
					"Waldur offering the drift is only reported (see `follow_source`): it stays until the source changes back or " +
					"the migration is replaced.",
				Computed:      true,
				ElementType:   types.StringType,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
			"destroy_destination": schema.BoolAttribute{
				MarkdownDescription: "What destroying this resource does. `false` (the default): Terraform forgets the migration and " +
					"the new tenant stays. `true`: the new tenant is torn down in reverse dependency order (routes before " +
					"interfaces, ports before networks, then quotas, the migration's user and the project), and verified empty. " +
					"Can be changed without a new migration; like every setting of what destroy does, a change must be applied " +
					"before `terraform destroy` sees it.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"destroy_foreign_objects": schema.BoolAttribute{
				MarkdownDescription: "Only with `destroy_destination = true`: what the teardown does with objects in the new tenant " +
					"that the migration did not make. Unset or `false` (the default): it refuses to tear the tenant down while it " +
					"holds any server, volume, volume snapshot or floating IP the migration did not make, and the error lists them " +
					"(deleting the project would orphan them). `true`: it deletes them first, for good and with their data: every " +
					"server of the project (waiting until Nova has deleted them), then every volume snapshot, then every volume " +
					"(force-deleted when Cinder refuses a plain delete), then every floating IP with the rest of the teardown; " +
					"then it verifies the project empty in Nova, Cinder and Neutron and deletes it. Other users whose default " +
					"project is the new tenant are never deleted (they lose their roles on it with the project). In the Waldur " +
					"backend, Waldur's own termination of the tenant decides what it deletes. Can be changed without a new " +
					"migration; the change must be applied before `terraform destroy` sees it.",
				Optional:   true,
				Validators: []validator.Bool{onlyWithDestroyDestination{}},
			},
			"concurrency": schema.Int64Attribute{
				MarkdownDescription: "How many build steps run at once, between `1` and `64`. Defaults to `8`. Can be changed without a new migration.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(defaultConcurrency),
				Validators:          []validator.Int64{int64validator.Between(1, 64)},
			},
			"state": schema.StringAttribute{
				MarkdownDescription: "`OK` when the new tenant was built completely, `ERRED` when the build failed midway (see `error_message`; the next apply resumes). " +
					"With an OpenStack offering, `INCOMPLETE` when a refresh found copies deleted from the destination since (see `error_message`), " +
					"or a sync failed midway: the next apply rebuilds them in place, in the same project (with `follow_source = true` " +
					"that apply also syncs the replica with the source).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"error_message": schema.StringAttribute{
				MarkdownDescription: "Why the migration is `ERRED` or `INCOMPLETE`; empty when `OK`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"dst_resource_uuid": schema.StringAttribute{
				MarkdownDescription: "The new tenant, in the form `src_resource` takes: standalone backend `<dst offering>/<project id>`; Waldur backend the UUID of its marketplace resource.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"dst_project_id": schema.StringAttribute{
				MarkdownDescription: "Keystone id of the new project.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"credentials": schema.SingleNestedAttribute{
				MarkdownDescription: "The user created in the new tenant, with the `member` role. The password is random (24 " +
					"characters, no ambiguous ones) and kept across a resumed apply. After import the password is null: it cannot be read back.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"user_id":  schema.StringAttribute{MarkdownDescription: "Keystone id of the user.", Computed: true},
					"username": schema.StringAttribute{MarkdownDescription: "User name.", Computed: true},
					"password": schema.StringAttribute{MarkdownDescription: "Password.", Computed: true, Sensitive: true},
				},
			},
			"network_ids":             idMapAttribute("networks"),
			"subnet_ids":              idMapAttribute("subnets"),
			"router_ids":              idMapAttribute("routers"),
			"security_group_ids":      idMapAttribute("security groups (the source `default` group maps onto the new tenant's own)"),
			"security_group_rule_ids": idMapAttribute("security group rules"),
			"address_group_ids":       idMapAttribute("address groups (always empty with a Waldur offering: Waldur does not show them)"),
			"port_ids":                idMapAttribute("ports (with `mappings.sync_instance_ports`)"),
			"floating_ip_ids":         idMapAttribute("floating IPs (see `mappings.floating_ips`; always empty with a Waldur offering)"),
			"floating_ip_addresses": schema.MapAttribute{
				MarkdownDescription: "Source floating IP address → the address of its copy (each external network has its own range), " +
					"for updating DNS records and firewall rules from outputs. Always empty with a Waldur offering.",
				Computed:      true,
				ElementType:   types.StringType,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
			"server_group_ids": idMapAttribute("Nova server groups (name, policy and rules copied; always empty with a Waldur offering)"),
			"skipped": schema.ListNestedAttribute{
				MarkdownDescription: "Source objects, or parts of them, that were not copied, and why. Nothing is dropped silently.",
				Computed:            true,
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject:        schema.NestedAttributeObject{Attributes: skippedAttributes()},
			},
			"preview": schema.SingleNestedAttribute{
				MarkdownDescription: "What the migration builds, with the mappings applied, computed at plan time from the source " +
					"tenant and the destination: the project, quotas, networks, subnets (destination CIDRs, gateways and pools), " +
					"routers (interfaces, kept and dropped static routes), security groups with their rule counts, address groups, ports and what " +
					"is skipped. Unknown at plan time only when an input is.",
				Computed:      true,
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes:    previewAttributes(),
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true,
				Delete: true,
				CreateDescription: "How long a create may take, as a duration such as `90m`. Defaults to `60m`. A create that times out is saved as `ERRED` and resumes on the next apply. " +
					"It bounds an in-place run too (a rebuild, a sync of a replica, changed mappings), which is saved as `INCOMPLETE` when it times out.",
				DeleteDescription: "How long a teardown with `destroy_destination = true` may take. Defaults to `30m`.",
			}),
		},
	}
}

func idMapAttribute(what string) schema.MapAttribute {
	return schema.MapAttribute{
		MarkdownDescription: "Map from source id to destination id of the copied " + what + ".",
		Computed:            true,
		ElementType:         types.StringType,
		PlanModifiers:       []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
	}
}

func skippedAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"kind":      computedString("What was skipped, for example `router_gateway`, `security_group_rule`, `port`."),
		"source_id": computedString("Id of the source object (a volume type name for `volume_type_quota`)."),
		"reason":    computedString("Why."),
	}
}

func previewAttributes() map[string]schema.Attribute {
	route := map[string]schema.Attribute{
		"destination": computedString("Destination CIDR."),
		"nexthop":     computedString("Next hop address."),
	}
	return map[string]schema.Attribute{
		"name":        computedString("Name of the new project."),
		"description": computedString("Description of the new project."),
		"counts": schema.MapAttribute{
			MarkdownDescription: "Number of objects built, by kind: `networks`, `subnets`, `routers`, `router_interfaces`, " +
				"`routes`, `security_groups`, `security_group_rules`, `address_groups`, `ports`, `floating_ips`, `server_groups`.",
			Computed:    true,
			ElementType: types.Int64Type,
		},
		"quotas": schema.SingleNestedAttribute{
			MarkdownDescription: "Quotas of the new project, after the volume type map.",
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"compute": computedNumberMap("Nova quotas (`cores`, `ram`, `instances`, ...); `-1` is unlimited."),
				"network": computedNumberMap("Neutron quotas (`network`, `subnet`, `port`, `router`, ...); `-1` is unlimited."),
				"volume":  computedNumberMap("Cinder quotas, per-type keys renamed through the volume type map; `-1` is unlimited."),
			},
		},
		"networks": computedList("Networks to build.", map[string]schema.Attribute{
			"source_id": computedString("Id of the source network."),
			"name":      computedString("Name."),
			"mtu":       computedInt("MTU."),
			"cidrs":     computedStringList("Destination CIDRs of its subnets."),
		}),
		"subnets": computedList("Subnets to build.", map[string]schema.Attribute{
			"source_id":   computedString("Id of the source subnet."),
			"network":     computedString("Name of its network."),
			"name":        computedString("Name."),
			"source_cidr": computedString("CIDR in the source tenant."),
			"cidr":        computedString("CIDR in the new tenant (differs from `source_cidr` when remapped)."),
			"gateway_ip":  computedString("Gateway address; null when the subnet has no gateway."),
			"allocation_pools": computedList("Allocation pools.", map[string]schema.Attribute{
				"start": computedString("First address."),
				"end":   computedString("Last address."),
			}),
			"pools_regenerated": computedBool("`true` when the source pools did not fit the new CIDR and were regenerated."),
			"enable_dhcp":       computedBool("Whether DHCP is enabled."),
			"dns_nameservers":   computedStringList("DNS name servers."),
			"host_routes":       computedList("Host routes, next hops moved with a remap.", route),
		}),
		"routers": computedList("Routers to build.", map[string]schema.Attribute{
			"source_id":        computedString("Id of the source router."),
			"name":             computedString("Name."),
			"external_gateway": computedBool("Whether it gets a gateway on the destination's external network."),
			"interfaces": computedList("Interfaces on copied subnets.", map[string]schema.Attribute{
				"subnet":     computedString("Name of the subnet."),
				"cidr":       computedString("CIDR of the subnet in the new tenant."),
				"ip_address": computedString("Address of the interface."),
			}),
			"routes": computedList("Static routes, set after the interfaces.", route),
			"dropped_routes": computedList("Static routes of the source router that are not set, and why.", map[string]schema.Attribute{
				"destination": computedString("Destination CIDR."),
				"nexthop":     computedString("Next hop address."),
				"reason":      computedString("Why it is dropped."),
			}),
		}),
		"security_groups": computedList("Security groups; the source `default` group maps onto the new project's own.", map[string]schema.Attribute{
			"source_id": computedString("Id of the source group."),
			"name":      computedString("Name."),
			"rules":     computedInt("Number of rules."),
		}),
		"address_groups": computedList("Address groups (sets of CIDRs that rules match), addresses moved with the subnet remaps.", map[string]schema.Attribute{
			"source_id": computedString("Id of the source address group."),
			"name":      computedString("Name."),
			"addresses": computedStringList("CIDRs of the copy; those that do not fit a remapped subnet are left out and listed in `skipped`."),
		}),
		"ports": computedList("Ports to build (with `mappings.sync_instance_ports`).", map[string]schema.Attribute{
			"source_id": computedString("Id of the source port."),
			"name":      computedString("Name."),
			"kind":      computedString("`instance` or `vip`."),
			"network":   computedString("Name of its network."),
			"ips":       computedStringList("Fixed IP addresses, kept."),
			"mac":       computedString("MAC address, kept where the destination allows it."),
		}),
		"floating_ips": computedList("Floating IPs to allocate on the destination's external network (see `mappings.floating_ips`).", map[string]schema.Attribute{
			"source_id":      computedString("Id of the source floating IP."),
			"source_address": computedString("Its address in the source; the copy gets one of the destination's (`floating_ip_addresses`)."),
			"description":    computedString("Description."),
			"port":           computedString("Name of the copied port it is associated with; null when free."),
			"fixed_ip":       computedString("Fixed IP of that port it points at; null when free."),
		}),
		"server_groups": computedList("Nova server groups to create.", map[string]schema.Attribute{
			"source_id": computedString("Id of the source server group."),
			"name":      computedString("Name."),
			"policy":    computedString("`affinity`, `anti-affinity`, `soft-affinity` or `soft-anti-affinity`."),
			"rules":     computedNumberMap("Rules (`max_server_per_host`; Nova 2.64 and later)."),
		}),
		"skipped": computedList("What will not be copied, and why.", skippedAttributes()),
	}
}

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
}

func computedBool(desc string) schema.BoolAttribute {
	return schema.BoolAttribute{MarkdownDescription: desc, Computed: true}
}

func computedInt(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
}

func computedStringList(desc string) schema.ListAttribute {
	return schema.ListAttribute{MarkdownDescription: desc, Computed: true, ElementType: types.StringType}
}

func computedNumberMap(desc string) schema.MapAttribute {
	return schema.MapAttribute{MarkdownDescription: desc, Computed: true, ElementType: types.Int64Type}
}

func computedList(desc string, attrs map[string]schema.Attribute) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: desc,
		Computed:            true,
		NestedObject:        schema.NestedAttributeObject{Attributes: attrs},
	}
}

// attrTypes returns the object attribute types of a nested attribute of the schema, so that values built
// in code always have exactly the schema's type.
func attrTypes(a schema.Attribute) map[string]attr.Type {
	switch t := a.GetType().(type) {
	case types.ObjectType:
		return t.AttrTypes
	case types.ListType:
		if o, ok := t.ElemType.(types.ObjectType); ok {
			return o.AttrTypes
		}
	}
	panic("attrTypes: not a nested attribute")
}

var (
	resourceSchema   = migrationSchema(context.Background())
	previewTypes     = attrTypes(resourceSchema.Attributes["preview"])
	credentialsTypes = attrTypes(resourceSchema.Attributes["credentials"])
	skippedTypes     = attrTypes(resourceSchema.Attributes["skipped"])
	mappingsTypes    = attrTypes(resourceSchema.Attributes["mappings"])
)

// defaultConcurrency matches the engine's own default.
const defaultConcurrency = 8

// onlyWithDestroyDestination warns that destroy_foreign_objects = true does nothing unless
// destroy_destination = true: destroy then keeps the tenant and everything in it.
type onlyWithDestroyDestination struct{}

var _ validator.Bool = onlyWithDestroyDestination{}

func (onlyWithDestroyDestination) Description(context.Context) string {
	return "has an effect only with destroy_destination = true"
}

func (v onlyWithDestroyDestination) MarkdownDescription(ctx context.Context) string {
	return "has an effect only with `destroy_destination = true`"
}

func (onlyWithDestroyDestination) ValidateBool(ctx context.Context, req validator.BoolRequest, resp *validator.BoolResponse) {
	if !req.ConfigValue.ValueBool() {
		return
	}
	var destroy types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, req.Path.ParentPath().AtName("destroy_destination"), &destroy)...)
	if resp.Diagnostics.HasError() || destroy.IsUnknown() || destroy.ValueBool() {
		return
	}
	resp.Diagnostics.AddAttributeWarning(req.Path, "destroy_foreign_objects has no effect",
		"destroy_foreign_objects = true deletes what the migration did not make when the destination tenant is torn down, "+
			"which only destroy_destination = true does; with destroy_destination unset or false, destroying the migration keeps "+
			"the tenant and everything in it.")
}
