#!/usr/bin/python3
"""Helper of up.sh: service catalog, external networks and health checks of the lab.

Reads the clouds.yaml named by OS_CLIENT_CONFIG_FILE. Speaks plain HTTP (urllib) so that it does not
depend on client library versions. Run it with /usr/bin/python3 (needs only PyYAML).
"""
import argparse
import ipaddress
import json
import os
import sys
import time
import urllib.error
import urllib.request

import yaml

SERVICE_NAMES = {"identity": "keystone", "network": "neutron", "compute": "nova",
                 "volumev3": "cinderv3", "block-storage": "cinder"}
# Health check per catalog service type: (process name prefix, authenticated list call).
CHECKS = {"network": ("neutron", "/v2.0/networks?limit=1"),
          "compute": ("nova", "/flavors"),
          "volumev3": ("cinder", "/types"),
          "block-storage": ("cinder", "/types")}


class HTTPError(Exception):
    pass


def http(method, url, token=None, body=None, timeout=15):
    """Returns (headers, decoded JSON body or None); raises HTTPError on a non-2xx answer."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.headers, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raise HTTPError(f"{method} {url}: HTTP {e.code}: {e.read()[:300]!r}") from None
    except (urllib.error.URLError, OSError) as e:
        raise HTTPError(f"{method} {url}: {e}") from None


class Cloud:
    """One clouds.yaml entry, authenticated (project-scoped token and catalog)."""

    def __init__(self, name, entry):
        self.name = name
        self.cloud = name.rsplit("-", 1)[0]  # "lab-RegionTwo" -> "lab"
        self.region = entry["region_name"]
        auth = entry["auth"]
        self.identity = auth["auth_url"].rstrip("/")
        headers, body = http("POST", self.identity + "/auth/tokens", body={"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": auth["username"], "password": auth["password"],
                "domain": {"name": auth["user_domain_name"]}}}},
            "scope": {"project": {"name": auth["project_name"],
                                  "domain": {"name": auth["project_domain_name"]}}}}})
        self.token = headers["X-Subject-Token"]
        self.catalog = body["token"].get("catalog", [])

    def endpoint(self, service_type):
        for service in self.catalog:
            if service["type"] == service_type:
                for ep in service["endpoints"]:
                    if ep["interface"] == "public" and ep["region_id"] == self.region:
                        return ep["url"].rstrip("/")
        raise HTTPError(f"no public {service_type} endpoint in {self.region} of the catalog")

    def call(self, method, url, body=None):
        return http(method, url, self.token, body)[1]


def load_clouds():
    with open(os.environ["OS_CLIENT_CONFIG_FILE"]) as f:
        return yaml.safe_load(f)["clouds"]


def lab_dir():
    return os.path.dirname(os.path.abspath(os.environ["OS_CLIENT_CONFIG_FILE"]))


def group_alive(name):
    """False if the service's recorded process group is gone (no point in waiting for it)."""
    try:
        with open(os.path.join(lab_dir(), "pids", name + ".pid")) as f:
            os.killpg(int(f.read()), 0)
    except (OSError, ValueError):
        return False
    return True


def report(name, state, reason):
    """Prints why a service is failing and the tail of its log."""
    print(f"\n*** {name}: {state}: {reason}", file=sys.stderr)
    log = os.path.join(lab_dir(), "logs", name + ".log")
    if os.path.exists(log):
        with open(log, errors="replace") as f:
            tail = f.readlines()[-30:]
        print(f"--- tail of {log}:", file=sys.stderr)
        sys.stderr.writelines(tail)


def connect(name, timeout=0):
    """Authenticates, retrying up to timeout seconds while Keystone starts."""
    deadline = time.monotonic() + timeout
    keystone = "keystone-" + name.rsplit("-", 1)[0]
    while True:
        try:
            return Cloud(name, load_clouds()[name])
        except HTTPError as e:
            dead = not group_alive(keystone)
            if dead or time.monotonic() > deadline:
                report(keystone, "process exited" if dead else "not answering", e)
                raise
            time.sleep(0.25)


def register(args):
    """Idempotently adds the region, the services and their public endpoints to the catalog."""
    c = connect(args.cloud, timeout=args.timeout)
    ks = c.identity
    if c.region not in [r["id"] for r in c.call("GET", f"{ks}/regions")["regions"]]:
        c.call("POST", f"{ks}/regions", {"region": {"id": c.region}})
    for spec in args.endpoints:
        stype, url = spec.split("=", 1)
        services = c.call("GET", f"{ks}/services?type={stype}")["services"]
        if services:
            service_id = services[0]["id"]
        else:
            service_id = c.call("POST", f"{ks}/services", {"service": {
                "type": stype, "name": SERVICE_NAMES[stype], "enabled": True}})["service"]["id"]
        existing = c.call("GET", f"{ks}/endpoints?service_id={service_id}&interface=public"
                                 f"&region_id={c.region}")["endpoints"]
        if not existing:
            c.call("POST", f"{ks}/endpoints", {"endpoint": {
                "service_id": service_id, "interface": "public", "region_id": c.region,
                "url": url, "enabled": True}})
        elif existing[0]["url"] != url:
            c.call("PATCH", f"{ks}/endpoints/{existing[0]['id']}", {"endpoint": {"url": url}})


def public_network(args):
    """Creates the external flat network "public" and its DHCP-less subnet, unless present."""
    c = connect(args.cloud)
    neutron = c.endpoint("network")
    nets = c.call("GET", f"{neutron}/v2.0/networks?name=public")["networks"]
    if nets:
        net = nets[0]
    else:
        net = c.call("POST", f"{neutron}/v2.0/networks", {"network": {
            "name": "public", "router:external": True, "shared": False,
            "provider:network_type": "flat",
            "provider:physical_network": args.physnet}})["network"]
    if not net["subnets"]:
        cidr = ipaddress.ip_network(args.cidr)
        c.call("POST", f"{neutron}/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "name": "public-subnet", "ip_version": 4,
            "cidr": str(cidr), "gateway_ip": str(cidr[1]), "enable_dhcp": False}})


def volume_types(args):
    """Creates the region's volume types (its operator's catalogue), unless present."""
    c = connect(args.cloud)
    cinder = c.endpoint("volumev3")
    have = {t["name"] for t in c.call("GET", f"{cinder}/types")["volume_types"]}
    for name in args.names:
        if name not in have:
            c.call("POST", f"{cinder}/types", {"volume_type": {
                "name": name, "description": f"{c.region} volume type {name}"}})


def check_all(healthy, sessions):
    """One round of checks; returns {service name: reason} for those not (yet) healthy.

    Tokens are kept in sessions between rounds (issuing one costs Keystone CPU while everything
    boots), and dropped when the catalog lacks an endpoint, in case it was registered since.
    """
    failing = {}
    for name, entry in load_clouds().items():
        checks = {f"{proc}-{name}": stype for stype, (proc, _) in CHECKS.items()}
        if all(svc in healthy for svc in checks):
            continue
        keystone = "keystone-" + name.rsplit("-", 1)[0]
        try:
            c = sessions.get(name) or Cloud(name, entry)
        except HTTPError as e:
            failing[keystone] = str(e)
            continue
        sessions[name] = c
        healthy.add(keystone)
        for svc, stype in checks.items():
            if svc in healthy:
                continue
            try:
                url = c.endpoint(stype)
            except HTTPError as e:
                failing[svc] = str(e)
                sessions.pop(name, None)
                continue
            try:
                c.call("GET", url + CHECKS[stype][1])
                healthy.add(svc)
            except HTTPError as e:
                failing[svc] = str(e)
    return failing


def wait(args):
    """Waits until Keystone issues tokens and every service answers an authenticated list call."""
    deadline = time.monotonic() + args.timeout
    healthy, sessions = set(), {}
    while True:
        failing = check_all(healthy, sessions)
        if not failing:
            return 0
        dead = {svc for svc in failing if not group_alive(svc)}
        if dead or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    for svc, reason in sorted(failing.items()):
        report(svc, "process exited" if svc in dead else "not answering", reason)
    return 1


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("register", help="add region, services and endpoints to the catalog")
    p.add_argument("cloud", help="clouds.yaml entry, e.g. lab-RegionTwo")
    p.add_argument("endpoints", nargs="+", help="SERVICE_TYPE=URL")
    p.add_argument("--timeout", type=float, default=120, help="seconds to wait for Keystone")
    p.set_defaults(func=register)
    p = sub.add_parser("public-network", help="create the external network 'public'")
    p.add_argument("cloud")
    p.add_argument("physnet")
    p.add_argument("cidr")
    p.set_defaults(func=public_network)
    p = sub.add_parser("volume-types", help="create the region's volume types")
    p.add_argument("cloud")
    p.add_argument("names", nargs="*")
    p.set_defaults(func=volume_types)
    p = sub.add_parser("wait", help="wait until all services of all clouds are healthy")
    p.add_argument("--timeout", type=float, default=180)
    p.set_defaults(func=wait)
    args = parser.parse_args()
    try:
        sys.exit(args.func(args))
    except HTTPError as e:
        sys.exit(f"labctl {args.command}: {e}")


if __name__ == "__main__":
    main()
