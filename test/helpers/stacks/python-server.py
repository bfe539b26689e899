"""Python's ssl + http.server as a stack of the matrix: one listener per entry of the JSON file
in argv[1]. 'require' = CERT_REQUIRED; 'optional' = CERT_OPTIONAL with a 403 when no certificate
came. The handshake runs in the connection's thread, so a slow client blocks nobody."""
import json
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        cert = self.connection.getpeercert()
        if not cert:
            body = b"client certificate required\n"
            self.send_response(403)
        else:
            body = b"ok\n"
            self.send_response(200)
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class TlsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, context):
        self.context = context
        super().__init__(address, Handler)

    def finish_request(self, request, client_address):
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            print(f"[{self.server_address[1]}] handshake failed: {error}", file=sys.stderr, flush=True)
            request.close()
            return
        self.RequestHandlerClass(tls, client_address, self)


def serve(listener):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    version = ssl.TLSVersion.TLSv1_2 if listener["tls"] == "1.2" else ssl.TLSVersion.TLSv1_3
    context.minimum_version = version
    context.maximum_version = version
    context.load_cert_chain(listener["cert"], listener["key"])
    context.load_verify_locations(listener["clientCa"])
    context.verify_mode = ssl.CERT_REQUIRED if listener["clientAuth"] == "require" else ssl.CERT_OPTIONAL
    server = TlsServer(("127.0.0.1", listener["port"]), context)
    server.serve_forever()


config = json.load(open(sys.argv[1]))
threads = [threading.Thread(target=serve, args=(l,), daemon=True) for l in config["listeners"]]
for t in threads:
    t.start()
for t in threads:
    t.join()
