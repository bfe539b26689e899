// The JDK's com.sun.net.httpserver.HttpsServer (JSSE) as a stack of the matrix, run in source
// mode (`java Server.java …`). Arguments: groups of six per listener — port, "1.2"|"1.3",
// "require"|"optional", cert chain PEM, PKCS#8 key PEM, client CA PEM. 'require' = needClientAuth;
// 'optional' = wantClientAuth with a 403 when no certificate came.
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

public class Server {
  static Certificate[] certificates(String path) throws Exception {
    byte[] pem = Files.readAllBytes(Path.of(path));
    return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).toArray(new Certificate[0]);
  }

  static PrivateKey key(String path) throws Exception {
    String pem = Files.readString(Path.of(path)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(pem);
    for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (Exception ignored) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("unreadable key " + path);
  }

  public static void main(String[] args) throws Exception {
    for (int i = 0; i + 5 < args.length; i += 6) {
      int port = Integer.parseInt(args[i]);
      String version = "TLSv" + args[i + 1];
      boolean optional = args[i + 2].equals("optional");
      char[] password = "matrix".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", key(args[i + 4]), password, certificates(args[i + 3]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      Certificate[] cas = certificates(args[i + 5]);
      for (int c = 0; c < cas.length; c++) trust.setCertificateEntry("ca" + c, cas[c]);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 64);
      server.setHttpsConfigurator(new HttpsConfigurator(context) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters p = context.getDefaultSSLParameters();
          p.setProtocols(new String[] {version});
          if (optional) p.setWantClientAuth(true);
          else p.setNeedClientAuth(true);
          params.setSSLParameters(p);
        }
      });
      server.createContext("/", exchange -> {
        int status = 200;
        String body = "ok\n";
        try {
          ((HttpsExchange) exchange).getSSLSession().getPeerCertificates();
        } catch (Exception none) {
          status = 403;
          body = "client certificate required\n";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      });
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.start();
    }
  }
}
