package org.deepforge.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.deepforge.model.Ids;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.BundleWriter;
import org.eclipse.jgit.transport.RefSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Whole projects in and out as git bundles: every branch and tag, cloneable with plain {@code git clone}. */
public final class Bundles {
    private static final Logger LOG = LoggerFactory.getLogger(Bundles.class);
    private final ProjectStore store;

    public Bundles(ProjectStore store) {
        this.store = store;
    }

    public void export(String project, OutputStream out) throws IOException {
        ProjectRepo repo = store.repo(project);
        BundleWriter writer = new BundleWriter(repo.repo);
        for (Ref ref : repo.repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
            writer.include(ref);
        }
        for (Ref ref : repo.repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
            writer.include(ref);
        }
        // HEAD lets `git clone` check out the default branch
        writer.include(Constants.HEAD, repo.requireBranch(repo.defaultBranch()));
        writer.writeBundle(NullProgressMonitor.INSTANCE, out);
    }

    /** A new project from a bundle; {@code name} overrides the bundled project's name. Nothing remains on failure. */
    public Project importBundle(InputStream in, Optional<String> name, Author author) throws IOException {
        Path tmp = Files.createTempFile(store.root(), ".import-", ".bundle");
        String id = Ids.newId(10);
        Path dir = store.root().resolve(id + ".git");
        boolean ok = false;
        try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            ProjectRepo repo = ProjectRepo.init(id, dir.toFile(), ProjectStore.DEFAULT_BRANCH);
            try (Git git = Git.wrap(repo.repo)) {
                git.fetch().setRemote(tmp.toUri().toString())
                        .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
                        .call();
            } catch (GitAPIException e) {
                throw StoreException.badRequest("the upload is not a readable git bundle: " + e.getMessage());
            } catch (RuntimeException e) {
                throw StoreException.badRequest("the upload is not a readable git bundle: " + e);
            }
            List<Ref> heads = repo.repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS);
            if (heads.isEmpty()) {
                throw StoreException.badRequest("the bundle holds no branches; export a project with GET /api/v1/projects/{id}/export");
            }
            if (repo.branchHead(ProjectStore.DEFAULT_BRANCH).isEmpty()) {
                repo.repo.getRefDatabase().newUpdate(Constants.HEAD, false).link(heads.get(0).getName());
            }
            for (Ref head : heads) {
                ProjectStore.validate(repo.modelAt(head.getObjectId()).model());
            }
            store.register(repo);
            if (name.isPresent() && !name.get().isBlank()) {
                store.update(id, name, Optional.empty(), author);
            }
            ok = true;
            Project project = store.get(id);
            LOG.info("imported project {} ({}) with {} branches", id, project.name(), heads.size());
            return project;
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.BAD_REQUEST) {
                throw StoreException.badRequest("cannot import: " + e.getMessage());
            }
            throw e;
        } finally {
            Files.deleteIfExists(tmp);
            if (!ok) {
                store.forget(id);
                if (Files.exists(dir)) {
                    ProjectStore.deleteTree(dir);
                }
            }
        }
    }
}
