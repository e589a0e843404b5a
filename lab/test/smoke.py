#!/usr/bin/python3
"""Smoke test of a running lab: exercises, through the plain REST APIs, what the replication needs.

Usage: OS_CLIENT_CONFIG_FILE=$LAB_DIR/clouds.yaml /usr/bin/python3 lab/test/smoke.py [--keep]

Per tested region: a project (with Keystone tags), a network, subnet and router with a gateway on
"public", a router interface and extra routes, a security group with a rule, a port with fixed IP, MAC
address and device_owner compute:nova, tags on every Neutron resource, Neutron/Nova/Cinder quotas (with
a per-volume-type Cinder quota). Everything created is deleted at the end unless --keep is given.
"""
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from labctl import Cloud, HTTPError, load_clouds  # noqa: E402

REQUIRED_EXTENSIONS = {"router", "extraroute", "extraroute-atomic", "ext-gw-mode", "security-group",
                       "quotas", "port-security", "standard-attr-tag"}


class Step:
    """Prints one line per API step with its duration."""

    def __init__(self, cloud):
        self.cloud = cloud

    def __call__(self, what, method, url, body=None):
        t = time.monotonic()
        result = self.cloud.call(method, url, body)
        print(f"  ok {(time.monotonic() - t) * 1000:6.0f} ms  {what}")
        return result


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def smoke(name, keep):
    print(f"== {name}")
    c = Cloud(name, load_clouds()[name])
    step = Step(c)
    ks, neutron = c.identity, c.endpoint("network") + "/v2.0"
    nova, cinder = c.endpoint("compute"), c.endpoint("block-storage")
    suffix = uuid.uuid4().hex[:6]
    cleanup = []

    try:
        exts = {e["alias"] for e in step("list extensions", "GET", f"{neutron}/extensions")["extensions"]}
        check(REQUIRED_EXTENSIONS <= exts, f"missing extensions {REQUIRED_EXTENSIONS - exts}")

        project = step("create project", "POST", f"{ks}/projects", {"project": {
            "name": f"smoke-{suffix}", "domain_id": "default", "tags": ["smoke"]}})["project"]
        pid = project["id"]
        cleanup.append(("delete project", "DELETE", f"{ks}/projects/{pid}", None))
        step("add project tag", "PUT", f"{ks}/projects/{pid}/tags/replicated")
        tags = step("list project tags", "GET", f"{ks}/projects/{pid}/tags")["tags"]
        check(set(tags) == {"smoke", "replicated"}, f"project tags {tags}")

        public = step("find public network", "GET", f"{neutron}/networks?name=public")["networks"][0]
        check(public["router:external"] and not public["shared"], "public network flags")

        net = step("create network", "POST", f"{neutron}/networks", {"network": {
            "name": f"net-{suffix}", "project_id": pid}})["network"]
        cleanup.append(("delete network", "DELETE", f"{neutron}/networks/{net['id']}", None))
        check(net["provider:network_type"] == "vxlan", f"tenant network type {net['provider:network_type']}")
        subnet = step("create subnet", "POST", f"{neutron}/subnets", {"subnet": {
            "network_id": net["id"], "project_id": pid, "ip_version": 4, "cidr": "10.10.0.0/24",
            "name": f"subnet-{suffix}"}})["subnet"]
        cleanup.append(("delete subnet", "DELETE", f"{neutron}/subnets/{subnet['id']}", None))

        router = step("create router with gateway on public", "POST", f"{neutron}/routers", {"router": {
            "name": f"router-{suffix}", "project_id": pid,
            "external_gateway_info": {"network_id": public["id"], "enable_snat": True}}})["router"]
        cleanup.append(("delete router", "DELETE", f"{neutron}/routers/{router['id']}", None))
        gw_ips = router["external_gateway_info"]["external_fixed_ips"]
        check(gw_ips, "router got no gateway IP")
        step("add router interface", "PUT", f"{neutron}/routers/{router['id']}/add_router_interface",
             {"subnet_id": subnet["id"]})
        cleanup.append(("remove router interface", "PUT",
                        f"{neutron}/routers/{router['id']}/remove_router_interface",
                        {"subnet_id": subnet["id"]}))
        routes = [{"destination": "192.168.100.0/24", "nexthop": "10.10.0.50"}]
        step("set extra routes", "PUT", f"{neutron}/routers/{router['id']}", {"router": {"routes": routes}})
        r = step("add extra route (atomic)", "PUT", f"{neutron}/routers/{router['id']}/add_extraroutes",
                 {"router": {"routes": [{"destination": "192.168.101.0/24", "nexthop": "10.10.0.51"}]}})
        check(len(r["router"]["routes"]) == 2, f"routes {r['router']['routes']}")
        # Neutron refuses to remove an interface that a route's nexthop needs.
        cleanup.append(("clear extra routes", "PUT", f"{neutron}/routers/{router['id']}",
                        {"router": {"routes": []}}))

        sg = step("create security group", "POST", f"{neutron}/security-groups", {"security_group": {
            "name": f"sg-{suffix}", "project_id": pid}})["security_group"]
        cleanup.append(("delete security group", "DELETE", f"{neutron}/security-groups/{sg['id']}", None))
        check(len(sg["security_group_rules"]) == 2, "new groups come with 2 egress rules")
        step("create security group rule", "POST", f"{neutron}/security-group-rules", {
            "security_group_rule": {"security_group_id": sg["id"], "direction": "ingress",
                                    "protocol": "tcp", "port_range_min": 22, "port_range_max": 22,
                                    "remote_ip_prefix": "0.0.0.0/0", "ethertype": "IPv4"}})

        port = step("create instance port", "POST", f"{neutron}/ports", {"port": {
            "network_id": net["id"], "project_id": pid, "name": f"port-{suffix}",
            "fixed_ips": [{"subnet_id": subnet["id"], "ip_address": "10.10.0.20"}],
            "mac_address": "fa:16:3e:00:12:34", "device_owner": "compute:nova",
            "device_id": str(uuid.uuid4()), "security_groups": [sg["id"]]}})["port"]
        cleanup.append(("delete port", "DELETE", f"{neutron}/ports/{port['id']}", None))
        check(port["mac_address"] == "fa:16:3e:00:12:34", "mac address")
        check(port["fixed_ips"][0]["ip_address"] == "10.10.0.20", "fixed ip")
        check(port["port_security_enabled"], "port security")

        for kind, obj in (("networks", net), ("subnets", subnet), ("routers", router), ("ports", port),
                          ("security-groups", sg)):
            step(f"tag {kind}", "PUT", f"{neutron}/{kind}/{obj['id']}/tags/x")
            step(f"replace {kind} tags", "PUT", f"{neutron}/{kind}/{obj['id']}/tags",
                 {"tags": ["x", "y"]})
            tags = step(f"list {kind} tags", "GET", f"{neutron}/{kind}/{obj['id']}/tags")["tags"]
            check(sorted(tags) == ["x", "y"], f"{kind} tags {tags}")
        found = step("filter networks by tag", "GET", f"{neutron}/networks?tags=x")["networks"]
        check([n["id"] for n in found] == [net["id"]], "tag filter")

        q = step("show neutron quotas", "GET", f"{neutron}/quotas/{pid}")["quota"]
        print(f"       neutron default quotas: {q}")
        step("set neutron quotas", "PUT", f"{neutron}/quotas/{pid}", {"quota": {
            "security_group_rule": 1000, "port": 500}})
        cleanup.append(("reset neutron quotas", "DELETE", f"{neutron}/quotas/{pid}", None))

        q = step("show nova quotas", "GET", f"{nova}/os-quota-sets/{pid}")["quota_set"]
        print(f"       nova default quotas: { {k: v for k, v in q.items() if k != 'id'} }")
        q = step("set nova quotas", "PUT", f"{nova}/os-quota-sets/{pid}", {"quota_set": {
            "instances": 20, "cores": 40, "ram": 102400}})["quota_set"]
        check(q["cores"] == 40, f"nova quota {q}")
        cleanup.append(("reset nova quotas", "DELETE", f"{nova}/os-quota-sets/{pid}", None))

        vtype = step("create volume type", "POST", f"{cinder}/types", {"volume_type": {
            "name": f"fast-{suffix}"}})["volume_type"]
        cleanup.append(("delete volume type", "DELETE", f"{cinder}/types/{vtype['id']}", None))
        q = step("show cinder quotas", "GET", f"{cinder}/os-quota-sets/{pid}")["quota_set"]
        print(f"       cinder default quotas: {q}")
        q = step("set cinder per-type quota", "PUT", f"{cinder}/os-quota-sets/{pid}", {"quota_set": {
            f"gigabytes_{vtype['name']}": 100, "volumes": 15}})["quota_set"]
        check(q[f"gigabytes_{vtype['name']}"] == 100, f"cinder quota {q}")
        cleanup.append(("reset cinder quotas", "DELETE", f"{cinder}/os-quota-sets/{pid}", None))
    finally:
        if not keep:
            for what, method, url, body in reversed(cleanup):
                try:
                    step(what, method, url, body)
                except HTTPError as e:
                    print(f"  cleanup failed: {e}")
            # Neutron creates a "default" security group for the project on first use.
            for g in c.call("GET", f"{neutron}/security-groups?project_id={pid}")["security_groups"]:
                step("delete default security group", "DELETE", f"{neutron}/security-groups/{g['id']}")


def main():
    keep = "--keep" in sys.argv[1:]
    names = [a for a in sys.argv[1:] if not a.startswith("--")] or ["lab-RegionTwo", "lab2-RegionOne"]
    for name in names:
        smoke(name, keep)
    print("smoke test passed")


if __name__ == "__main__":
    main()
