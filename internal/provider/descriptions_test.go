package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

type describedAttr struct {
	desc     string
	children map[string]describedAttr
}

// describeResource collects the MarkdownDescriptions of the provider, the resource and the data sources,
// keyed by "<schema>.<attribute path>".
func describeResource() map[string]describedAttr {
	ctx := context.Background()
	out := map[string]describedAttr{}
	presp := &provider.SchemaResponse{}
	New("test")().Schema(ctx, provider.SchemaRequest{}, presp)
	out["provider"] = describedAttr{desc: presp.Schema.MarkdownDescription, children: describeProvider(presp.Schema.Attributes)}
	out["waldur_openstack_migration"] = describedAttr{desc: resourceSchema.MarkdownDescription, children: describeResourceAttrs(resourceSchema.Attributes)}
	for name, newDataSource := range map[string]func() datasource.DataSource{
		"waldur_marketplace_offering": NewOfferingDataSource, "waldur_openstack_volume_type": NewVolumeTypeDataSource,
		"waldur_openstack_tenant": NewTenantDataSource,
	} {
		resp := &datasource.SchemaResponse{}
		newDataSource().Schema(ctx, datasource.SchemaRequest{}, resp)
		out[name] = describedAttr{desc: resp.Schema.MarkdownDescription, children: describeDataSource(resp.Schema.Attributes)}
	}
	return out
}

func describeResourceAttrs(attrs map[string]rschema.Attribute) map[string]describedAttr {
	out := map[string]describedAttr{}
	for name, a := range attrs {
		d := describedAttr{desc: a.GetMarkdownDescription()}
		switch n := a.(type) {
		case rschema.SingleNestedAttribute:
			d.children = describeResourceAttrs(n.Attributes)
		case rschema.ListNestedAttribute:
			d.children = describeResourceAttrs(n.NestedObject.Attributes)
		case rschema.MapNestedAttribute:
			d.children = describeResourceAttrs(n.NestedObject.Attributes)
		}
		out[name] = d
	}
	return out
}

func describeDataSource(attrs map[string]dschema.Attribute) map[string]describedAttr {
	out := map[string]describedAttr{}
	for name, a := range attrs {
		d := describedAttr{desc: a.GetMarkdownDescription()}
		switch n := a.(type) {
		case dschema.SingleNestedAttribute:
			d.children = describeDataSource(n.Attributes)
		case dschema.ListNestedAttribute:
			d.children = describeDataSource(n.NestedObject.Attributes)
		}
		out[name] = d
	}
	return out
}

func describeProvider(attrs map[string]pschema.Attribute) map[string]describedAttr {
	out := map[string]describedAttr{}
	for name, a := range attrs {
		d := describedAttr{desc: a.GetMarkdownDescription()}
		switch n := a.(type) {
		case pschema.SingleNestedAttribute:
			d.children = describeProvider(n.Attributes)
		case pschema.MapNestedAttribute:
			d.children = describeProvider(n.NestedObject.Attributes)
		}
		out[name] = d
	}
	return out
}
