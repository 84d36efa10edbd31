package org.deepforge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An artifact's storage record is written by the server only; the refs that still use it are found for collection. */
class ServerFieldsTest {
    static final Author ADA = new Author("ada", "Ada", "ada@example.org");
    static final String ARTIFACT = "{'name':'d','type':'file','storage':{'adapter':'local','key':'k1','sha256':'k1','size':3}}";

    @TempDir
    Path dir;
    ProjectStore store;
    String project;

    @BeforeEach
    void setUp() throws Exception {
        store = new ProjectStore(dir);
        project = store.create("P", "", ADA).id();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    static JsonNode patch(String json) throws Exception {
        return Json.MAPPER.readTree(json.replace('\'', '"'));
    }

    ChangeResult client(Optional<String> base, String patch) throws Exception {
        return store.apply(project, "main", new ChangeSet(base, "edit", patch(patch), ADA));
    }

    @Test
    void aClientCannotAddAnArtifactWithStorageButTheServerCan() throws Exception {
        String before = store.model(project, "main").commit();
        assertThatThrownBy(() -> client(Optional.empty(), "[{'op':'add','path':'/artifacts/a','value':" + ARTIFACT + "}]"))
                .isInstanceOf(StoreException.class).hasMessageStartingWith("/artifacts/a/storage is set by the server")
                .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(StoreException.Kind.BAD_REQUEST));
        assertThat(store.model(project, "main").commit()).isEqualTo(before);

        store.apply(project, "main", ChangeSet.byServer(Optional.empty(), "upload", patch("[{'op':'add','path':'/artifacts/a','value':" + ARTIFACT + "}]"), ADA));
        assertThat(store.model(project, "main").model().at("/artifacts/a/storage/key").asText()).isEqualTo("k1");
    }

    @Test
    void aStaleClientEditMergesOntoStorageTheServerWroteMeanwhile() throws Exception {
        String stale = store.model(project, "main").commit();
        store.apply(project, "main", ChangeSet.byServer(Optional.empty(), "upload", patch("[{'op':'add','path':'/artifacts/a','value':" + ARTIFACT + "}]"), ADA));
        ChangeResult r = client(Optional.of(stale), "[{'op':'replace','path':'/project/description','value':'edited'}]");
        assertThat(r.rebased()).isTrue();
        assertThat(store.model(project, "main").model().at("/artifacts/a/storage/key").asText()).isEqualTo("k1");
        // renaming and describing the artifact is the client's
        client(Optional.empty(), "[{'op':'replace','path':'/artifacts/a/name','value':'renamed'}]");
        assertThatThrownBy(() -> client(Optional.empty(), "[{'op':'replace','path':'/artifacts/a/storage/sha256','value':'x'}]"))
                .hasMessageStartingWith("/artifacts/a/storage/sha256 is set by the server");
    }

    @Test
    void storageUsesAreFoundAtEveryBranchAndTagButNotInOlderHistory() throws Exception {
        store.apply(project, "main", ChangeSet.byServer(Optional.empty(), "upload", patch("[{'op':'add','path':'/artifacts/a','value':" + ARTIFACT + "}]"), ADA));
        VersionControl vc = new VersionControl(store);
        vc.createTag(project, "v1", store.model(project, "main").commit());
        assertThat(store.storageUses(project)).extracting(StorageUse::ref).containsExactlyInAnyOrder("branch main", "tag v1");
        client(Optional.empty(), "[{'op':'remove','path':'/artifacts/a'}]");
        assertThat(store.storageUses(project)).extracting(StorageUse::ref).containsExactly("tag v1");
        vc.deleteTag(project, "v1");
        assertThat(store.storageUses(project)).isEmpty();
    }
}
