package org.deepforge.exec.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deepforge.exec.compute.LocalCompute;
import org.deepforge.exec.compute.SlurmCompute;
import org.deepforge.exec.sandbox.JobIsolation;
import org.deepforge.exec.storage.DirectoryStorage;
import org.deepforge.exec.storage.LocalStorage;
import org.deepforge.exec.storage.S3Storage;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapters a server offers, each from its one declaration: listing, secret kinds, option checks, credentials. */
class AdaptersTest {
    @TempDir
    Path dir;
    Adapters adapters;
    final Map<String, Map<String, String>> stored = new HashMap<>();
    final Adapters.Credentials secrets = (kind, name) -> {
        Map<String, String> fields = stored.get(name);
        if (fields == null) {
            throw new IllegalArgumentException("no stored credentials named \"" + name + "\"");
        }
        return fields;
    };

    @BeforeEach
    void register() throws Exception {
        adapters = new Adapters(Map.of("AWS_ACCESS_KEY_ID", "AKIDENV"))
                .compute(new LocalCompute("/usr/bin/python3", 1, java.util.Optional.empty(), java.util.Optional.empty(),
                        new JobIsolation.Unconfined()).kind())
                .compute(new SlurmCompute().kind())
                .storage(new LocalStorage(dir.resolve("artifacts")).kind())
                .storage(S3Storage.kind())
                .storage(DirectoryStorage.kind(dir.resolve("data")));
    }

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    String refusal(Runnable open) {
        try {
            open.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("was not refused");
    }

    @Test
    void theListingsComeFromTheDeclarations() {
        assertThat(adapters.computeList().findValuesAsText("name")).containsExactly("local", "slurm");
        assertThat(adapters.computeList().get(1).get("title").asText()).isEqualTo("Slurm cluster");
        JsonNode storages = adapters.storageList();
        assertThat(storages.findValuesAsText("name")).contains("local", "s3", "directory");
        JsonNode s3 = storages.get(1);
        assertThat(s3.at("/schema/properties/credentials/x-secret-kind").asText()).isEqualTo("s3");
        assertThat(s3.at("/secret/fields/1/name").asText()).isEqualTo("secretAccessKey");
        assertThat(s3.at("/secret/fields/1/secret").asBoolean()).isTrue();
        assertThat(s3.at("/secret/fields/0/secret").asBoolean()).isFalse();
        // only a storage that can register objects already in it is offered by the import dialog
        assertThat(storages.findParents("imports")).extracting(o -> o.get("name").asText()).containsExactly("s3");
        assertThat(adapters.secretKinds()).extracting(SecretKind::kind).containsExactly("s3");
        assertThat(adapters.secretList().get(0).get("title").asText()).isEqualTo("S3 credentials");
        assertThat(adapters.secretList().get(0).get("environment").toString()).isEqualTo("[\"AWS_ACCESS_KEY_ID\",\"AWS_SECRET_ACCESS_KEY\"]");
    }

    @Test
    void optionsAreCheckedAgainstTheSchemaNamingTheFieldAndWhatItIsFor() {
        String missing = refusal(() -> adapters.openStorage(json0("{\"adapter\":\"s3\",\"credentials\":\"lab\"}"), secrets));
        assertThat(missing).contains("S3 bucket").contains("\"bucket\" is missing");
        String wrongType = refusal(() -> adapters.openStorage(json0("{\"adapter\":\"s3\",\"bucket\":5,\"credentials\":\"lab\"}"), secrets));
        assertThat(wrongType).contains("\"bucket\"").contains("string expected");
        String cpus = refusal(() -> adapters.openCompute(json0("{\"adapter\":\"slurm\",\"cpus\":0}"), secrets));
        assertThat(cpus).contains("\"cpus\"").contains("minimum value of 1").contains("--cpus-per-task");
        String injected = refusal(() -> adapters.openCompute(json0("{\"adapter\":\"slurm\",\"extraSbatch\":[\"#SBATCH --x\\nrm -rf /\"]}"), secrets));
        assertThat(injected).contains("\"extraSbatch.0\"").contains("does not match");
        String ssh = refusal(() -> adapters.openCompute(json0("{\"adapter\":\"slurm\",\"ssh\":{\"host\":\"h\",\"password\":\"x\"}}"), secrets));
        assertThat(ssh).contains("\"ssh.password\" is not an option here").contains("identityFile");
        String network = refusal(() -> adapters.openCompute(json0("{\"adapter\":\"local\",\"network\":\"yes\"}"), secrets));
        assertThat(network).contains("\"network\"").contains("boolean expected");
        String unknown = refusal(() -> adapters.openStorage(json0("{\"adapter\":\"ftp\"}"), secrets));
        assertThat(unknown).contains("\"ftp\" is not available").contains("local, s3, directory");
    }

    @Test
    void credentialsComeFromTheUsersSecretOrTheServersEnvironment() {
        assertThat(refusal(() -> adapters.openStorage(json0("{\"adapter\":\"s3\",\"bucket\":\"b\",\"credentials\":\"\"}"), secrets)))
                .contains("choose the credentials").contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        assertThat(refusal(() -> adapters.openStorage(json0("{\"adapter\":\"s3\",\"bucket\":\"b\",\"credentials\":\"nobody\"}"), secrets)))
                .contains("no stored credentials named \"nobody\"");
        // only one of the two variables is set
        assertThat(refusal(() -> adapters.openStorage(json0("{\"adapter\":\"s3\",\"bucket\":\"b\",\"credentials\":\"env\"}"), secrets)))
                .contains("AWS_SECRET_ACCESS_KEY is not set");
        stored.put("lab", Map.of("accessKeyId", "AKID", "secretAccessKey", "shh"));
        StorageAdapter s3 = adapters.openStorage(json0("{\"adapter\":\"s3\",\"bucket\":\"b\",\"credentials\":\"lab\",\"pathStyle\":true}"), secrets);
        assertThat(s3.name()).isEqualTo("s3");
        assertThat(s3.location().get("credentials").asText()).isEqualTo("lab");
        assertThat(s3.location().get("bucket").asText()).isEqualTo("b");
        assertThat(s3.location().toString()).doesNotContain("shh");
    }

    @Test
    void aDeclarationWhoseSecretHasNoOptionToNameItIsRefused() {
        SecretKind token = new SecretKind("token", "API token", List.of(new SecretKind.Field("token", "Token", true)));
        assertThatThrownBy(() -> AdapterKind.storage("web", "Web", Json.MAPPER.createObjectNode().put("type", "object"), token,
                (o, c) -> null)).hasMessageContaining("x-secret-kind");
        assertThatThrownBy(() -> adapters.storage(S3Storage.kind())).hasMessageContaining("two adapters are named \"s3\"");
    }

    @Test
    void theDirectoryAdapterStoresByContentInAnExistingWritableDirectoryOnly() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        StorageAdapter storage = adapters.openStorage(json0("{\"adapter\":\"directory\",\"path\":\"" + shared + "\"}"), secrets);
        StorageAdapter.Stored stored = storage.put(new java.io.ByteArrayInputStream("hello".getBytes()), n -> { });
        assertThat(stored.adapter()).isEqualTo("directory");
        assertThat(stored.key()).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(shared.resolve("2c").resolve(stored.key())).hasContent("hello");
        assertThat(storage.location().get("path").asText()).isEqualTo(shared.toString());
        // opened again from what an artifact records, it reads the same object
        var record = (com.fasterxml.jackson.databind.node.ObjectNode) storage.location();
        record.put("adapter", "directory").put("key", stored.key()).put("sha256", stored.sha256()).put("size", stored.size());
        try (var in = adapters.openStorage(record, secrets).get(stored.key())) {
            assertThat(new String(in.readAllBytes())).isEqualTo("hello");
        }
        assertThatThrownBy(() -> storage.get("../../etc/passwd")).hasMessageContaining("not a storage key");

        assertThat(refusal(() -> adapters.openStorage(json0("{\"adapter\":\"directory\"}"), secrets))).contains("\"path\" is missing");
        assertThat(refusal(() -> adapters.openStorage(json0("{\"adapter\":\"directory\",\"path\":\"shared\"}"), secrets)))
                .contains("\"path\"").contains("does not match");
        assertThat(refusal(() -> adapters.openStorage(json0("{\"adapter\":\"directory\",\"path\":\"" + dir.resolve("nope") + "\"}"), secrets)))
                .contains("not an existing directory");
        assertThat(refusal(() -> adapters.openStorage(json0("{\"adapter\":\"directory\",\"path\":\"" + shared + "/../shared\"}"), secrets)))
                .contains("must not contain \"..\"");
        Files.createDirectories(dir.resolve("data").resolve("artifacts"));
        assertThat(refusal(() -> adapters.openStorage(json0("{\"adapter\":\"directory\",\"path\":\"" + dir.resolve("data/artifacts") + "\"}"),
                secrets))).contains("server's own data directory");
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        readOnly.toFile().setWritable(false, false);
        if (!Files.isWritable(readOnly)) { // root may write anywhere
            assertThat(refusal(() -> adapters.openStorage(json0("{\"adapter\":\"directory\",\"path\":\"" + readOnly + "\"}"), secrets)))
                    .contains("cannot write into");
        }
    }

    static JsonNode json0(String text) {
        try {
            return json(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
