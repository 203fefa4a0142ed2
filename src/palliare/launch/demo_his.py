"""A small GP information system that launches Palliare, for tests and the demo
(``manage.py demo_his``): a SMART App Launch
authorisation server (authorise with PKCE, token with launch context and an OpenID Connect
id_token), the two FHIR reads Palliare makes, its public keys, and a launcher page with an
"Open Palliare" link, on a loopback port in a thread of the test process."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "palliare-test"


@dataclass
class FakeHis:
    palliare_url: str = ""
    practitioners: dict[str, dict[str, Any]] = field(default_factory=dict)
    patients: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The HIS user who is logged in at the HIS and launches.
    current_practitioner: str = "p1"
    #: Tamper switches for refusal tests.
    wrong_nonce: bool = False
    foreign_key: bool = False
    requests: list[str] = field(default_factory=list)
    _key: Any = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    _launches: dict[str, str] = field(default_factory=dict)
    _codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/fhir"

    def start(self) -> FakeHis:
        his = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                his._handle(self, "GET")

            def do_POST(self) -> None:
                his._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def launch_url(self, patient_id: str) -> str:
        """The address the HIS opens: Palliare's launch URL with ``iss`` and ``launch``."""
        token = secrets.token_urlsafe(12)
        self._launches[token] = patient_id
        query = urllib.parse.urlencode({"iss": self.base, "launch": token})
        return f"{self.palliare_url}/launch/?{query}"

    # -- the HTTP side ---------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        url = urllib.parse.urlsplit(request.path)
        self.requests.append(f"{method} {url.path}")
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path.removeprefix("/fhir")
        if method == "GET" and path == "/.well-known/smart-configuration":
            return self._json(request, self._smart_configuration())
        if method == "GET" and path == "/jwks":
            public = json.loads(jwt.get_algorithm_by_name("RS256").to_jwk(self._key.public_key()))
            return self._json(request, {"keys": [{**public, "kid": "his-1", "use": "sig"}]})
        if method == "GET" and path == "/authorize":
            return self._authorize(request, query)
        if method == "POST" and path == "/token":
            length = int(request.headers.get("Content-Length", "0"))
            form = dict(urllib.parse.parse_qsl(request.rfile.read(length).decode()))
            return self._token(request, form)
        if method == "GET" and url.path == "/launcher":
            return self._launcher(request, query.get("patient", ""))
        for resource_type, store in (
            ("Practitioner", self.practitioners),
            ("Patient", self.patients),
        ):
            prefix = f"/{resource_type}/"
            if method == "GET" and path.startswith(prefix):
                bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
                if bearer not in self._tokens:
                    return self._json(request, {"resourceType": "OperationOutcome"}, 401)
                resource = store.get(path[len(prefix) :])
                if resource is None:
                    return self._json(request, {"resourceType": "OperationOutcome"}, 404)
                return self._json(request, {"resourceType": resource_type, **resource})
        return self._json(request, {"error": "not found"}, 404)

    def _smart_configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "jwks_uri": f"{self.base}/jwks",
            "capabilities": [
                "launch-ehr",
                "client-public",
                "context-ehr-patient",
                "sso-openid-connect",
            ],
            "code_challenge_methods_supported": ["S256"],
        }

    def _authorize(self, request: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        redirect_uri = query.get("redirect_uri", "")
        problems = [
            query.get("client_id") != CLIENT_ID,
            query.get("launch") not in self._launches,
            query.get("aud") != self.base,
            query.get("code_challenge_method") != "S256",
            "launch" not in query.get("scope", "").split(),
            not redirect_uri.startswith(self.palliare_url),
        ]
        if any(problems):
            return self._json(request, {"error": "invalid_request"}, 400)
        code = secrets.token_urlsafe(16)
        self._codes[code] = {
            "patient": self._launches.pop(query["launch"]),
            "challenge": query["code_challenge"],
            "redirect_uri": redirect_uri,
            "nonce": query.get("nonce", ""),
        }
        location = (
            f"{redirect_uri}?{urllib.parse.urlencode({'code': code, 'state': query['state']})}"
        )
        request.send_response(302)
        request.send_header("Location", location)
        request.end_headers()

    def _token(self, request: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        grant = self._codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("client_id") != CLIENT_ID
            or form.get("redirect_uri") != grant["redirect_uri"]
            or challenge != grant["challenge"]
        ):
            return self._json(request, {"error": "invalid_grant"}, 400)
        access = secrets.token_urlsafe(16)
        self._tokens[access] = grant["patient"]
        key = rsa.generate_private_key(65537, 2048) if self.foreign_key else self._key
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": self.base,
                "sub": self.current_practitioner,
                "aud": CLIENT_ID,
                "exp": now + 300,
                "iat": now,
                "nonce": "not-yours" if self.wrong_nonce else grant["nonce"],
                "fhirUser": f"{self.base}/Practitioner/{self.current_practitioner}",
            },
            key,
            algorithm="RS256",
            headers={"kid": "his-1"},
        )
        return self._json(
            request,
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": 300,
                "scope": "launch openid fhirUser patient/Patient.rs",
                "patient": grant["patient"],
                "id_token": id_token,
            },
        )

    def _launcher(self, request: BaseHTTPRequestHandler, patient_id: str) -> None:
        name = html.escape(
            str(self.patients.get(patient_id, {}).get("name", [{}])[0].get("family", ""))
        )
        body = (
            "<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>HIS</title></head>"
            f"<body><h1>Dossier {name}</h1>"
            f"<a id='open-palliare' href='{html.escape(self.launch_url(patient_id))}'>"
            "Palliare openen</a>"
            "</body></html>"
        ).encode()
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    @staticmethod
    def _json(request: BaseHTTPRequestHandler, body: dict[str, Any], status: int = 200) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)


def practitioner(big: str = "", agb: str = "") -> dict[str, Any]:
    identifiers = []
    if big:
        identifiers.append({"system": "http://fhir.nl/fhir/NamingSystem/big", "value": big})
    if agb:
        identifiers.append({"system": "http://fhir.nl/fhir/NamingSystem/agb-z", "value": agb})
    return {"identifier": identifiers, "name": [{"family": "Huisarts"}]}


def nl_core_patient(
    bsn: str, *, given: str, family: str, prefix: str = "", born: str
) -> dict[str, Any]:
    family_name: dict[str, Any] = {
        "family": f"{prefix} {family}".strip(),
        "given": [given, f"{given[0]}."],
    }
    extensions = [
        {"url": "http://hl7.org/fhir/StructureDefinition/humanname-own-name", "valueString": family}
    ]
    if prefix:
        extensions.append(
            {
                "url": "http://hl7.org/fhir/StructureDefinition/humanname-own-prefix",
                "valueString": prefix,
            }
        )
    family_name["_family"] = {"extension": extensions}
    family_name["use"] = "official"
    return {
        "identifier": [{"system": "http://fhir.nl/fhir/NamingSystem/bsn", "value": bsn}],
        "name": [family_name],
        "birthDate": born,
        "gender": "female",
        "address": [
            {
                "use": "home",
                "line": ["Brinkweg 12"],
                "_line": [
                    {
                        "extension": [
                            {
                                "url": "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName",
                                "valueString": "Brinkweg",
                            },
                            {
                                "url": "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber",
                                "valueString": "12",
                            },
                        ]
                    }
                ],
                "postalCode": "9401 AB",
                "city": "Assen",
            }
        ],
    }
