"""Neutron's API as a WSGI application, run by uwsgi the way Debian 12 runs it.

Debian 12 no longer ships an eventlet neutron-server: neutron-server is a transitional package for
neutron-api (this application under uwsgi, from /etc/neutron/neutron-api-uwsgi.ini) and
neutron-rpc-server (the message-bus side, which the lab does not need: it has no agents). The lab
cannot use /usr/bin/neutron-api itself (it comes with neutron-common, which brings /etc files and a
system user), so this file does what that script does: main_api_eventlet() reads the configuration
from the command line (uwsgi's --pyargv) and returns the API's paste application.

The wrapper also hands the project of the request's token to uwsgi's request log (%(project)), so that
the log tells whose request each line is, as neutron-server's own request log did.
"""
from neutron.cmd.eventlet.server import main_api_eventlet

try:
    import uwsgi
except ImportError:  # imported outside uwsgi (a syntax check): no request log to feed
    uwsgi = None

_neutron = main_api_eventlet()


def application(environ, start_response):
    try:
        return _neutron(environ, start_response)
    finally:
        # keystonemiddleware sets HTTP_X_PROJECT_ID in the shared environ once it accepts the token.
        if uwsgi is not None:
            uwsgi.set_logvar("project", environ.get("HTTP_X_PROJECT_ID") or "-")
