package org.deepforge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.lib.Ref;
import org.junit.jupiter.api.Test;

class GitUploadTest {
    @Test
    void clientsSeeHeadBranchesAndUsersTagsButNeitherRunTagsNorOtherRefs() {
        Map<String, Ref> refs = new LinkedHashMap<>();
        for (String name : new String[] {"HEAD", "refs/heads/main", "refs/heads/runs/x", "refs/tags/v1", "refs/tags/runs/e1",
                "refs/tags/runs/e2", "refs/tags/runsheet", "refs/notes/commits", "refs/deepforge/internal"}) {
            refs.put(name, new ObjectIdRef.PeeledNonTag(Ref.Storage.LOOSE, name, ObjectId.zeroId()));
        }
        assertThat(GitUpload.visible(refs).keySet())
                .containsExactly("HEAD", "refs/heads/main", "refs/heads/runs/x", "refs/tags/v1", "refs/tags/runsheet");
    }
}
