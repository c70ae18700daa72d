// The `sitecustomize.py` of a traced run. The extension writes it into a folder of its own storage and puts that
// folder first on PYTHONPATH for that run only; Python imports it at start-up, before the user's code.
//
// It adds one handler to the `azure.identity` logger. On azure-identity's own success line ("<Chain> acquired a
// token from <Credential>", logged at INFO by every version from 1.13.0b2 to 1.26.0b3 by ChainedTokenCredential and
// DefaultAzureCredential), it reads the request from the logging call's caller (the scopes and tenant the
// application asked for) and the token's claims (tenant, object id, user or application), and appends one JSON line
// to the file named by AZURE_DEV_AUTH_TRACE_FILE. On the chain's failure line it appends the failure's first line.
// It never writes the token or any part of its signature: only the claims named in CLAIMS, each a short string.
//
// It does nothing else: it imports no Azure package (a run that never uses azure-identity pays a logging handler),
// never raises into the program, and after setting itself up it runs the sitecustomize it hides (Debian's, a
// virtual environment's), so the program starts as it would have.

/** The variable naming the trace file of a run. */
export const TRACE_FILE_VARIABLE = 'AZURE_DEV_AUTH_TRACE_FILE';

export const TRACE_SITECUSTOMIZE = String.raw`# Written by Azure Dev Auth for a traced run; imported through PYTHONPATH for that run only.
def _azure_dev_auth_trace():
    import os, sys
    path = os.environ.get("AZURE_DEV_AUTH_TRACE_FILE")
    here = os.path.dirname(os.path.abspath(__file__))
    if path:
        try:
            _install(path)
        except Exception:
            pass
    # The sitecustomize this one hides, if any.
    try:
        import importlib.machinery, importlib.util
        others = [p for p in sys.path if os.path.abspath(p or ".") != here]
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", others)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
    except Exception:
        pass

def _install(path):
    import base64, json, logging, os, sys, threading, time
    CLAIMS = ("tid", "oid", "upn", "preferred_username", "unique_name", "appid", "azp", "idtyp", "aud")
    lock = threading.Lock()

    def short(value, limit=512):
        return value[:limit] if isinstance(value, str) else None

    def claims_of(token):
        # Only the payload's named claims; the token itself never leaves this function.
        try:
            payload = token.split(".")[1]
            payload += "=" * (-len(payload) % 4)
            data = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")).decode("utf-8"))
            if not isinstance(data, dict):
                return None
            return {k: short(data[k]) for k in CLAIMS if isinstance(data.get(k), str)}
        except Exception:
            return None

    def request_of(frame):
        # The frame that logged the line is the chain's get_token/get_token_info: its arguments are the request.
        while frame is not None:
            code = frame.f_code
            if code.co_name in ("get_token", "get_token_info") and "scopes" in frame.f_locals:
                local = frame.f_locals
                scopes = local.get("scopes")
                tenant = local.get("tenant_id")
                if tenant is None:
                    for holder in ("options", "kwargs"):
                        value = local.get(holder)
                        if isinstance(value, dict) and isinstance(value.get("tenant_id"), str):
                            tenant = value.get("tenant_id")
                token = None
                for name in ("token", "token_info"):
                    value = local.get(name)
                    raw = getattr(value, "token", None)
                    if isinstance(raw, str):
                        token = raw
                        break
                return ([short(s) for s in scopes if isinstance(s, str)] if isinstance(scopes, (tuple, list)) else [],
                        short(tenant), token)
            frame = frame.f_back
        return [], None, None

    def write(entry):
        line = json.dumps(entry, ensure_ascii=True) + "\n"
        with lock:
            with open(path, "a", encoding="utf-8") as out:
                out.write(line)

    class TraceHandler(logging.Handler):
        def emit(self, record):
            try:
                message = record.msg
                args = record.args if isinstance(record.args, tuple) else ()
                if message == "%s acquired a token from %s" and len(args) == 2:
                    scopes, tenant, token = request_of(sys._getframe(1))
                    write({"v": 1, "kind": "token", "time": record.created, "pid": os.getpid(),
                           "chain": short(str(args[0])), "credential": short(str(args[1])),
                           "scopes": scopes, "tenant": tenant, "claims": claims_of(token) if token else None})
                elif isinstance(message, str) and " failed to retrieve a token from the included credentials." in message:
                    scopes, tenant, _ = request_of(sys._getframe(1))
                    write({"v": 1, "kind": "failed", "time": record.created, "pid": os.getpid(),
                           "chain": short(message.split(" ", 1)[0]), "scopes": scopes, "tenant": tenant})
            except Exception:
                pass

    logger = logging.getLogger("azure.identity")
    logger.addHandler(TraceHandler(logging.INFO))
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    write({"v": 1, "kind": "start", "time": time.time(), "pid": os.getpid()})

_azure_dev_auth_trace()
del _azure_dev_auth_trace
`;
