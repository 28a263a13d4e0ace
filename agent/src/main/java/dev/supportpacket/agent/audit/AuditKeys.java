package dev.supportpacket.agent.audit;

import dev.supportpacket.agent.packet.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash chain and the seal signatures.
 *
 * <p>Key file format (text, mode 0600): {@code private: <base64 PKCS#8 Ed25519>} and {@code public: <base64 X.509>},
 * or, on a JDK without Ed25519 (11 to 14), {@code hmac: <base64 32 bytes>}. The public key alone goes to a
 * {@code .pub} file beside it for {@code audit verify}; keep a copy of it off the host, since whoever can write the
 * directory can also replace it.
 */
public final class AuditKeys {
  public static final String ED25519 = "Ed25519";
  public static final String HMAC = "HmacSHA256";

  /** Key files are a few hundred bytes; anything much larger is not one. */
  static final int MAX_KEY_FILE = 64 * 1024;

  private AuditKeys() {}

  /** The chain link of a line: hex SHA-256 of its exact bytes, or hex HMAC-SHA256 when {@code hmacKey} is given. */
  public static String link(byte[] line, byte[] hmacKey) {
    try {
      if (hmacKey != null) {
        Mac mac = Mac.getInstance(HMAC);
        mac.init(new SecretKeySpec(hmacKey, HMAC));
        return hex(mac.doFinal(line));
      }
      return hex(MessageDigest.getInstance("SHA-256").digest(line));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256/HMAC-SHA256 missing from this JDK", e);
    }
  }

  public static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return sb.toString();
  }

  /** Signs seals: Ed25519 where the JDK has it, else HMAC-SHA256 (anyone holding the key can then forge a seal). */
  public static final class Signer {
    private final String alg;
    private final PrivateKey privateKey;
    private final byte[] publicKey;
    private final byte[] hmacKey;

    private Signer(String alg, PrivateKey privateKey, byte[] publicKey, byte[] hmacKey) {
      this.alg = alg;
      this.privateKey = privateKey;
      this.publicKey = publicKey;
      this.hmacKey = hmacKey;
    }

    public String alg() {
      return alg;
    }

    /** First 16 hex digits of the SHA-256 of the public key (of the HMAC key for HMAC), so a seal names its key. */
    public String keyId() {
      return link(alg.equals(ED25519) ? publicKey : hmacKey, null).substring(0, 16);
    }

    public String sign(byte[] data) throws GeneralSecurityException {
      if (alg.equals(ED25519)) {
        Signature s = Signature.getInstance(ED25519);
        s.initSign(privateKey);
        s.update(data);
        return Base64.getEncoder().encodeToString(s.sign());
      }
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(hmacKey, HMAC));
      return Base64.getEncoder().encodeToString(mac.doFinal(data));
    }

    /**
     * Reads the key file, or creates it (mode 0600, with its {@code .pub} beside it) when it does not exist.
     *
     * @param ours true for the default key, which we create: refused when it is a link, another user's, or writable
     *     by others (a key planted by another user would make our seals hers); false for a key the operator configured
     * @throws IOException when the file cannot be read, created, or does not hold a key
     */
    public static Signer loadOrCreate(Path keyFile, boolean ours) throws IOException {
      if (!Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
        try {
          create(keyFile);
        } catch (FileAlreadyExistsException e) {
          // another JVM made it first: use theirs
        }
      }
      Map<String, String> k = parse(ours ? PrivateFiles.readOwned(keyFile, "audit key", MAX_KEY_FILE)
          : PrivateFiles.readSmall(keyFile, "audit key", MAX_KEY_FILE));
      try {
        if (k.containsKey("private")) {
          PrivateKey priv = KeyFactory.getInstance(ED25519)
              .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(k.get("private"))));
          return new Signer(ED25519, priv, Base64.getDecoder().decode(k.getOrDefault("public", "")), null);
        }
        if (k.containsKey("hmac")) {
          return new Signer(HMAC, null, null, Base64.getDecoder().decode(k.get("hmac")));
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new IOException("audit key file " + keyFile + " holds no usable key: " + e.getMessage(), e);
      }
      throw new IOException("audit key file " + keyFile + " holds neither 'private:' nor 'hmac:'");
    }

    private static void create(Path keyFile) throws IOException {
      String text;
      String pub = null;
      try {
        KeyPair pair = KeyPairGenerator.getInstance(ED25519).generateKeyPair();
        pub = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        text = "# support-packet audit seal key (Ed25519); keep it private\nprivate: "
            + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\npublic: " + pub + "\n";
      } catch (NoSuchAlgorithmException e) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        text = "# support-packet audit seal key (HMAC-SHA256: this JDK has no Ed25519); keep it private\nhmac: "
            + Base64.getEncoder().encodeToString(key) + "\n";
      }
      Path tmp = PrivateFiles.temporaryName(keyFile.toAbsolutePath().getParent(), ".tmp");
      try {
        write(tmp, text);
        // A link, not a rename: fails when another JVM created the file meanwhile, which then wins.
        Files.createLink(keyFile, tmp);
      } finally {
        PrivateFiles.deleteQuietly(tmp);
      }
      if (pub != null) {
        try {
          write(publicKeyFileFor(keyFile), "public: " + pub + "\n");
        } catch (FileAlreadyExistsException e) {
          // left from an earlier key: audit verify names the key a seal was made with
        }
      }
    }

    /** Creates {@code file} exclusively (0600) and writes {@code text} through the handle it was created with. */
    private static void write(Path file, String text) throws IOException {
      try (FileChannel ch = PrivateFiles.createNew(file)) {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
    }
  }

  /** {@code x.key} → {@code x.pub}. */
  public static Path publicKeyFileFor(Path keyFile) {
    String n = keyFile.getFileName().toString();
    return keyFile.resolveSibling((n.endsWith(".key") ? n.substring(0, n.length() - 4) : n) + ".pub");
  }

  /**
   * Reads a key or {@code .pub} file's {@code name: value} lines ({@code #} starts a comment): what
   * {@code audit verify} checks seals with.
   */
  public static Map<String, String> readKeyFile(Path file) throws IOException {
    return parse(PrivateFiles.readSmall(file, "key file", MAX_KEY_FILE));
  }

  private static Map<String, String> parse(byte[] text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
      int colon = line.indexOf(':');
      if (line.startsWith("#") || colon < 0) {
        continue;
      }
      m.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
    return m;
  }
}
