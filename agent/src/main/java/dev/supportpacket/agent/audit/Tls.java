package dev.supportpacket.agent.audit;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS 1.2 or later for the remote targets. The server is trusted through the CA certificates of a PEM file when one
 * is given, else through the JDK's default trust store, and its certificate must name the host we connected to
 * (endpoint identification "HTTPS"). {@code insecure} skips both checks and has to be spelled out.
 */
final class Tls {
  private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final SSLSocketFactory factory;
  private final boolean insecure;

  private Tls(SSLSocketFactory factory, boolean insecure) {
    this.factory = factory;
    this.insecure = insecure;
  }

  /**
   * @param caCert PEM file with the CA certificate(s) to trust; null for the JDK's trust store
   * @throws IOException when the PEM file cannot be read or holds no certificate
   */
  static Tls of(Path caCert, boolean insecure) throws IOException {
    try {
      TrustManager[] trust = insecure ? new TrustManager[] {new TrustAll()} : caCert == null ? null : trusting(caCert);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust, null);
      return new Tls(context.getSocketFactory(), insecure);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS" + (caCert == null ? "" : " with " + caCert) + ": " + e.getMessage(), e);
    }
  }

  /** Wraps a connected socket and completes the handshake, which checks the server's certificate. */
  SSLSocket handshake(Socket plain, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) factory.createSocket(plain, host, port, true);
    List<String> enabled = new ArrayList<>(PROTOCOLS);
    enabled.retainAll(Arrays.asList(s.getSupportedProtocols()));
    SSLParameters p = s.getSSLParameters();
    p.setProtocols(enabled.toArray(new String[0]));
    if (!insecure) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  private static TrustManager[] trusting(Path pem) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca" + i++, c);
      }
      if (i == 0) {
        throw new IOException("ca_cert " + pem + " holds no PEM certificate");
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf.getTrustManagers();
  }

  /** {@code insecure: true}: any certificate for any name. Extended, so that JSSE adds no host check of its own. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
