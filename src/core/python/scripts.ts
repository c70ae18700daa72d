// The Python programs we run in the user's interpreter, kept as strings and passed with `-c`: nothing is ever written
// into the workspace, and the interpreter runs exactly the azure-identity the user's code would import.
//
// Both print one JSON object per line, each prefixed with SCRIPT_MARKER, on stdout; anything else on stdout (a tool
// the library starts, a sitecustomize) is ignored by the parser. They never print a token or a secret: the verify
// script prints a token's claims (who, which tenant) and its expiry only, and scrubs anything shaped like a JWT and
// the values of the secret-bearing environment variables from every message it relays.

export const SCRIPT_MARKER = '@@azure-dev-auth@@ ';

/** Preamble shared by both scripts. */
const PREAMBLE = String.raw`
import sys
# "python -c" puts the current directory first on sys.path; a stray json.py or azure/ there must not be imported.
if sys.path and sys.path[0] in ("", "."):
    del sys.path[0]
import json, os, re, time
_MARK = "@@azure-dev-auth@@ "
_OUT = sys.stdout
def _send(kind, **fields):
    fields["kind"] = kind
    _OUT.write(_MARK + json.dumps(fields) + "\n")
    _OUT.flush()
def _dist_version(name):
    try:
        from importlib import metadata
    except ImportError:
        try:
            import importlib_metadata as metadata
        except ImportError:
            return None
    try:
        return metadata.version(name)
    except Exception:
        return None
def _identity_locations():
    # Where azure.identity would be imported from, without importing it (finding it imports only "azure").
    try:
        import importlib.util
        spec = importlib.util.find_spec("azure.identity")
    except Exception:
        return None
    if spec is None:
        return None
    return list(spec.submodule_search_locations or [])
def _version_from_source(locations):
    # Distro packages may lack metadata; azure.identity._version.VERSION is what the library itself reports.
    for folder in locations or []:
        try:
            with open(os.path.join(folder, "_version.py"), encoding="utf-8") as f:
                m = re.search(r"VERSION\s*=\s*[\"']([^\"']+)[\"']", f.read())
        except OSError:
            continue
        if m:
            return m.group(1)
    return None
`;

/**
 * Prints one `kind: "detect"` record: azure-identity's version, whether the broker package and MSAL's broker runtime
 * are there, msal's version, the track-1 azure-mgmt-* libraries (at most 50), the interpreter.
 */
export const DETECT_SCRIPT = PREAMBLE + String.raw`
import platform
_locations = _identity_locations()
_version = _dist_version("azure-identity")
_source = "metadata" if _version else None
if not _version and _locations is not None:
    _version = _version_from_source(_locations)
    _source = "_version.py" if _version else None
_broker = _dist_version("azure-identity-broker") is not None or any(
    os.path.isfile(os.path.join(folder, "broker", "__init__.py")) for folder in (_locations or []))
# MSAL's native broker runtime, found without importing it (importing it starts native code).
try:
    import importlib.util
    _runtime = importlib.util.find_spec("pymsalruntime") is not None
except Exception:
    _runtime = False
# azure-mgmt-* libraries of the track-1 generation: built on msrestazure, without azure-core (azure-mgmt-core in track 2).
# Their clients call credentials.signed_session(), which azure-identity's credentials do not have. Read from each
# distribution's declared requirements; nothing is imported. A distribution that declares none (Debian's egg-info)
# says nothing either way and is not reported.
_track1 = []
try:
    from importlib import metadata as _md
    _seen = set()
    for _dist in _md.distributions():
        _name = (_dist.metadata.get("Name") or "").strip()
        _key = _name.lower().replace("_", "-")
        if not _key.startswith("azure-mgmt-") or _key == "azure-mgmt-core" or _key in _seen:
            continue
        _seen.add(_key)
        _requires = [re.split(r"[\s;<>=!~\[(]", r.strip(), 1)[0].lower().replace("_", "-") for r in (_dist.requires or [])]
        if "msrestazure" in _requires and "azure-mgmt-core" not in _requires and "azure-core" not in _requires:
            _track1.append({"name": _key, "version": _dist.version})
except Exception:
    pass
_track1.sort(key=lambda p: p["name"])
_problem = None
if _locations is None:
    _problem = "azure-identity is not installed in this interpreter"
elif not _version:
    _problem = "azure-identity is installed but its version could not be read"
_send("detect", version=_version, versionSource=_source, brokerInstalled=bool(_broker), brokerRuntimeInstalled=bool(_runtime),
      msalVersion=_dist_version("msal"), track1Packages=_track1[:50],
      pythonVersion=platform.python_version(), executable=sys.executable, problem=_problem)
`;

/**
 * Runs DefaultAzureCredential(**kwargs).get_token(scope) with azure.identity logging at DEBUG and relays what happened.
 * argv[1] is a JSON object: {"scope": str, "keywords": {exclude_* | require_envvar: bool}, "processTimeout": number | null}.
 * Keywords the installed DefaultAzureCredential does not know are dropped (and reported), because an unknown keyword
 * would flow into the credentials' own **kwargs and change what is being verified; support is read from the
 * constructor's source, since version numbers alone mislead (Debian's "1.13.0b2" predates the 1.13.0b2 release's
 * WorkloadIdentityCredential and AzureDeveloperCliCredential).
 *
 * Records: meta, log (one per azure.identity log record), import-error, constructor-error, chain, token, failure.
 */
export const VERIFY_SCRIPT = PREAMBLE + String.raw`
import base64, logging, platform
_T0 = time.monotonic()
def _ms():
    return round((time.monotonic() - _T0) * 1000)
_SECRETS = sorted({v.strip() for v in (os.environ.get(n) for n in ("AZURE_CLIENT_SECRET", "AZURE_PASSWORD", "AZURE_CLIENT_CERTIFICATE_PASSWORD", "IDENTITY_HEADER", "MSI_SECRET")) if v and len(v.strip()) >= 4}, key=len, reverse=True)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
def _redact(text):
    # A first pass so no token or known secret leaves this process; the caller's redactSecrets does the rest with
    # the same replacement text, so both sides of a comparison read alike.
    text = str(text)
    for secret in _SECRETS:
        text = text.replace(secret, "<redacted>")
    return _JWT.sub("<redacted>", text)
def _message(ex):
    message = getattr(ex, "message", None)
    return _redact(message if isinstance(message, str) and message else str(ex))

class _Relay(logging.Handler):
    def emit(self, record):
        try:
            text = record.getMessage()
        except Exception:
            text = str(record.msg)
        exc = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else None
        _send("log", logger=record.name, level=record.levelname, message=_redact(text), exception=exc, t=_ms())

_logger = logging.getLogger("azure.identity")
_logger.setLevel(logging.DEBUG)
_logger.addHandler(_Relay(level=logging.DEBUG))
# Everything reaches _Relay; nothing goes to the interpreter's stderr.
_logger.propagate = False

_config = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
_scope = _config.get("scope") or "https://management.azure.com/.default"
_locations = _identity_locations()
_version = _dist_version("azure-identity") or _version_from_source(_locations)
_base = dict(version=_version, coreVersion=_dist_version("azure-core"), msalVersion=_dist_version("msal"),
             pythonVersion=platform.python_version(), executable=sys.executable)
try:
    from azure.identity import DefaultAzureCredential
except Exception as ex:
    _send("import-error", exception=type(ex).__name__, message=_redact(ex), **_base)
    sys.exit(0)

import inspect
try:
    _source = inspect.getsource(DefaultAzureCredential.__init__)
except Exception:
    _source = None
def _supports(keyword):
    return _source is None or ('"%s"' % keyword) in _source or ("'%s'" % keyword) in _source
_kwargs = {}
_ignored = []
for _keyword, _value in sorted((_config.get("keywords") or {}).items()):
    if _supports(_keyword):
        _kwargs[_keyword] = bool(_value)
    else:
        _ignored.append(_keyword)
# String keywords as the code writes them ("" stands for None: both are falsy to the library).
for _keyword, _value in sorted((_config.get("stringKeywords") or {}).items()):
    if _supports(_keyword):
        _kwargs[_keyword] = _value if isinstance(_value, str) and _value else None
    else:
        _ignored.append(_keyword)
# tenant_id= is refused by name, whatever its value.
if _config.get("tenantId"):
    _kwargs["tenant_id"] = "organizations"
if _config.get("processTimeout") is not None:
    if _supports("process_timeout"):
        _kwargs["process_timeout"] = _config["processTimeout"]
    else:
        _ignored.append("process_timeout")
_send("meta", keywords=_kwargs, ignoredKeywords=_ignored, **_base)

_NAMES = ("EnvironmentCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential", "SharedTokenCacheCredential",
          "VisualStudioCodeCredential", "AzureCliCredential", "AzurePowerShellCredential", "AzureDeveloperCliCredential",
          "InteractiveBrowserCredential", "BrokerCredential")
def _raised_in(tb):
    # The chain member whose constructor raised: the outermost __init__ frame whose "self" is one of them.
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "__init__":
            owner = frame.f_locals.get("self")
            name = type(owner).__name__ if owner is not None else None
            if name in _NAMES:
                return name
        tb = tb.tb_next
    return None

_started = time.monotonic()
# "chained": the code's ChainedTokenCredential(...) of explicit credentials, built as the code builds it (each member
# called without arguments, in the order written) instead of DefaultAzureCredential.
_chained = _config.get("chained")
_building = None
try:
    if isinstance(_chained, list):
        import azure.identity as _identity
        from azure.identity import ChainedTokenCredential
        _tenants = _config.get("chainedTenants") or {}
        _timeouts = _config.get("chainedProcessTimeouts") or {}
        _written = _config.get("chainedWritesProcessTimeout") or []
        _client_ids = _config.get("chainedClientIds") or {}
        def _member_kwargs(_name):
            _kw = {"tenant_id": _tenants[_name]} if _name in _tenants else {}
            if _name in _client_ids:
                _kw["client_id"] = _client_ids[_name]
            if _name in _timeouts:
                _kw["process_timeout"] = _timeouts[_name]
            elif _name in _written:
                _kw["process_timeout"] = 10
            return _kw
        _built = []
        for _name in _chained:
            if _name in _NAMES:
                # A keyword the version lacks raises TypeError before the member's __init__ runs: name it here.
                _building = _name
                _built.append(getattr(_identity, _name)(**_member_kwargs(_name)))
        _building = None
        # "lone": the one member is built on its own (no ChainedTokenCredential around it), as the code builds it.
        _credential = _built[0] if _config.get("lone") and len(_built) == 1 else ChainedTokenCredential(*_built)
    else:
        _credential = DefaultAzureCredential(**_kwargs)
except Exception as ex:
    _send("constructor-error", exception=type(ex).__name__, message=_message(ex), credential=_raised_in(ex.__traceback__) or _building,
          elapsedMs=round((time.monotonic() - _started) * 1000))
    sys.exit(0)
# 1.24+ puts a stand-in (FailedDACCredential) where a WorkloadIdentityCredential's constructor raised: it reports
# under the credential's name and logs nothing, so its name and the error it will raise are sent here.
def _member(c):
    name = getattr(c, "_credential_name", None)
    return name if isinstance(name, str) and name else type(c).__name__
_members = [_credential] if _config.get("lone") else list(getattr(_credential, "credentials", ()))
_send("chain", credentials=[_member(c) for c in _members],
      standIns=[{"credential": _member(c), "message": _redact(getattr(c, "_error", ""))} for c in _members
                if getattr(c, "_credential_name", None)])

def _claims(token):
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")).decode("utf-8"))
    except Exception:
        return None
    pick = lambda *names: next((claims[n] for n in names if isinstance(claims.get(n), str)), None)
    return {"upn": pick("upn", "unique_name"), "appId": pick("appid", "azp"), "objectId": pick("oid"), "tenantId": pick("tid")}

try:
    _token = _credential.get_token(_scope)
except Exception as ex:
    _send("failure", exception=type(ex).__name__, message=_message(ex), elapsedMs=round((time.monotonic() - _started) * 1000))
    sys.exit(0)
_elapsed = round((time.monotonic() - _started) * 1000)
_SECRETS.append(_token.token)
_winner = _credential if _config.get("lone") else getattr(_credential, "_successful_credential", None)
_send("token", credential=type(_winner).__name__ if _winner is not None else None, identity=_claims(_token.token),
      expiresOn=int(_token.expires_on), elapsedMs=_elapsed)
`;
