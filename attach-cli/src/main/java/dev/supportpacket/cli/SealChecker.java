package dev.supportpacket.cli;

import dev.supportpacket.agent.audit.AuditKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the signatures of an audit file's seals: with a public key (Ed25519) or the shared key (HMAC), as
 * {@link AuditKeys} writes them. Only {@code audit verify} checks seals, so this lives in the CLI, not in the agent.
 */
final class SealChecker {
  private final PublicKey publicKey;
  private final byte[] publicBytes;
  private final byte[] hmacKey;

  private SealChecker(PublicKey publicKey, byte[] publicBytes, byte[] hmacKey) {
    this.publicKey = publicKey;
    this.publicBytes = publicBytes;
    this.hmacKey = hmacKey;
  }

  /**
   * From a {@code .pub} or {@code .key} file (either holds {@code public:}; a key file may hold {@code hmac:}).
   *
   * @throws IOException when the file cannot be read or holds no usable key
   */
  static SealChecker load(Path file) throws IOException {
    Map<String, String> k = AuditKeys.readKeyFile(file);
    try {
      PublicKey pub = null;
      byte[] pubBytes = null;
      if (k.containsKey("public")) {
        pubBytes = Base64.getDecoder().decode(k.get("public"));
        pub = KeyFactory.getInstance(AuditKeys.ED25519).generatePublic(new X509EncodedKeySpec(pubBytes));
      }
      byte[] hmac = k.containsKey("hmac") ? Base64.getDecoder().decode(k.get("hmac")) : null;
      if (pub == null && hmac == null) {
        throw new IOException(file + " holds neither 'public:' nor 'hmac:'");
      }
      return new SealChecker(pub, pubBytes, hmac);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(file + " holds no usable key: " + e.getMessage(), e);
    }
  }

  /** The id a seal names its key by (see {@code AuditKeys.Signer#keyId}); {@code none} when this key has no such part. */
  String keyId(String alg) {
    byte[] k = alg.equals(AuditKeys.ED25519) ? publicBytes : hmacKey;
    return k == null ? "none" : AuditKeys.link(k, null).substring(0, 16);
  }

  /** Whether {@code signature} (base64) is {@code alg}'s signature of {@code data} under this key. */
  boolean verify(String alg, byte[] data, String signature) {
    try {
      byte[] sig = Base64.getDecoder().decode(signature);
      if (alg.equals(AuditKeys.ED25519) && publicKey != null) {
        Signature s = Signature.getInstance(AuditKeys.ED25519);
        s.initVerify(publicKey);
        s.update(data);
        return s.verify(sig);
      }
      if (alg.equals(AuditKeys.HMAC) && hmacKey != null) {
        Mac mac = Mac.getInstance(AuditKeys.HMAC);
        mac.init(new SecretKeySpec(hmacKey, AuditKeys.HMAC));
        return MessageDigest.isEqual(mac.doFinal(data), sig);
      }
      return false;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
