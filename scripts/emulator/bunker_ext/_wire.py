"""What an AWS request is (service, operation, protocol) and how AWS words generic errors.

Used by the middleware for counters and fault injection. The service is the SigV4 signing name
from the Authorization header; the operation comes from ``X-Amz-Target`` (JSON protocols),
``Action=`` (query protocols) or the method and raw path matched against the botocore service
model's request URIs (REST protocols), the way AWS front ends route them.
"""
import io
import json
import os
import re
import threading
import uuid
from urllib.parse import parse_qs, urlsplit

import botocore.session

# SigV4 signing names whose botocore model has another name.
_MODEL_NAMES = {
    "states": "stepfunctions",
    "monitoring": "cloudwatch",
    "email": "ses",
    "execute-api": "apigateway",
    "elasticfilesystem": "efs",
    "tagging": "resourcegroupstaggingapi",
    "eventbridge": "events",
    "iam": "iam",
}

_session = botocore.session.get_session()
_models = {}
_models_lock = threading.Lock()


class _Routes:
    """REST routes of one service: method -> [(required query keys, regex, operation)]."""

    def __init__(self, model):
        self.protocol = model.metadata.get("protocol", "rest-json")
        self.by_method = {}
        for name in model.operation_names:
            http = model.operation_model(name).http
            uri = http.get("requestUri", "/")
            path, _, query = uri.partition("?")
            keys = tuple(k.split("=")[0] for k in query.split("&") if k)
            entry = (keys, _uri_regex(path), name, len(path))
            self.by_method.setdefault(http.get("method", "POST").upper(), []).append(entry)
        for entries in self.by_method.values():
            entries.sort(key=lambda e: (len(e[0]), e[3]), reverse=True)

    def operation(self, method, raw_path, query):
        for keys, regex, name, _ in self.by_method.get(method, ()):
            if regex.match(raw_path) and all(k in query for k in keys):
                return name
        return None


def _uri_regex(path):
    parts = []
    for elem in path.split("/"):
        m = re.fullmatch(r"\{([^}]+?)(\+?)\}", elem)
        if m is None:
            parts.append(re.escape(elem))
        elif m.group(2) or path.endswith(elem):
            parts.append(".+")
        else:
            parts.append("[^/]+")
    # Trailing slashes are optional on the wire (SDKs differ), so accept both forms.
    return re.compile("^" + "/".join(parts).rstrip("/") + "/?$")


def _routes_for(service):
    with _models_lock:
        if service in _models:
            return _models[service]
        routes = None
        try:
            model = _session.get_service_model(_MODEL_NAMES.get(service, service))
            routes = _Routes(model)
        except Exception:  # noqa: BLE001 - an unknown service is counted as such, not an error
            routes = None
        _models[service] = routes
        return routes


def service_of(environ):
    auth = environ.get("HTTP_AUTHORIZATION", "")
    m = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request", auth)
    if m:
        return m.group(2).lower(), m.group(1)
    return "unsigned", None


def _form_body(environ):
    """Read a form-encoded body without consuming it for moto."""
    if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return {}
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return {}
    if length <= 0:
        return {}
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)
    try:
        return parse_qs(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return {}


def classify(environ):
    """(service, operation, protocol) of a request; operation 'Unknown' when not recognised."""
    service, _region = service_of(environ)
    routes = _routes_for(service) if service != "unsigned" else None
    protocol = routes.protocol if routes else "rest-json"
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return service, target.split(".")[-1], "json"
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    action = query.get("Action") or _form_body(environ).get("Action")
    if action:
        return service, action[0], "query" if protocol not in ("ec2",) else "ec2"
    if routes is not None:
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
        raw_path = urlsplit(raw).path or "/"
        op = routes.operation(environ.get("REQUEST_METHOD", "GET").upper(), raw_path, query)
        return service, op or "Unknown", protocol
    return service, "Unknown", protocol


def _request_id():
    return str(uuid.uuid4())


def _json_error(status, code, message, protocol):
    rid = _request_id()
    if protocol == "json":
        body = {"__type": code, "message": message}
        ctype = "application/x-amz-json-1.1"
    else:
        # rest-json: the error name travels in x-amzn-ErrorType; AWS Backup's bodies carry
        # Code/Message (capitalised), other REST-JSON services a lower-case message.
        body = {"Code": code, "Message": message, "message": message}
        ctype = "application/json"
    data = json.dumps(body).encode()
    headers = [("Content-Type", ctype), ("x-amzn-ErrorType", code),
               ("x-amzn-RequestId", rid), ("Content-Length", str(len(data)))]
    return status, headers, data


def _xml_error(status, code, message, protocol, sender):
    rid = _request_id()
    if protocol == "rest-xml":
        text = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>"
                f"<Message>{message}</Message><RequestId>{rid}</RequestId></Error>")
    elif protocol == "ec2":
        text = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
                f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                f"<RequestID>{rid}</RequestID></Response>")
    else:
        kind = "Sender" if sender else "Receiver"
        text = (f"<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code>"
                f"<Message>{message}</Message></Error><RequestId>{rid}</RequestId>"
                f"</ErrorResponse>")
    data = text.encode()
    headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid),
               ("Content-Length", str(len(data)))]
    return status, headers, data


def throttle(service, protocol, status=None, code=None, message=None):
    """AWS's throttling answer for the protocol (JSON 400 ThrottlingException, query 400
    Throttling, S3 503 SlowDown, EC2 503 RequestLimitExceeded)."""
    if protocol in ("json", "rest-json"):
        return _json_error(status or 400, code or "ThrottlingException",
                           message or "Rate exceeded", protocol)
    if protocol == "rest-xml":
        return _xml_error(status or 503, code or "SlowDown",
                          message or "Please reduce your request rate.", protocol, True)
    if protocol == "ec2":
        return _xml_error(status or 503, code or "RequestLimitExceeded",
                          message or "Request limit exceeded.", protocol, True)
    return _xml_error(status or 400, code or "Throttling", message or "Rate exceeded",
                      protocol, True)


def server_error(service, protocol, status=500, code=None, message=None):
    """A 5xx in the protocol: 500 InternalFailure (S3: InternalError), 503 ServiceUnavailable."""
    if code is None:
        if status == 503:
            code = "ServiceUnavailable"
        elif protocol == "rest-xml":
            code = "InternalError"
        else:
            code = "InternalFailure"
    if message is None:
        message = ("Service is unavailable. Please try again later." if status == 503
                   else "We encountered an internal error. Please try again.")
    if protocol in ("json", "rest-json"):
        return _json_error(status, code, message, protocol)
    return _xml_error(status, code, message, protocol, False)


def server_url(argv, override_env):
    """The URL this server answers at, for callers that must reach it back (custom-resource
    responses, Lambda functions' SDK calls): the environment variable ``override_env`` if set,
    else the host and port of the server's own ``-H``/``-p`` arguments (a wildcard host becomes
    loopback)."""
    if os.environ.get(override_env):
        return os.environ[override_env].rstrip("/")
    host, port = "127.0.0.1", "5000"
    for i, arg in enumerate(argv):
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if arg in ("-H", "--host") and nxt:
            host = nxt
        elif arg in ("-p", "--port") and nxt:
            port = nxt
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{port}"
