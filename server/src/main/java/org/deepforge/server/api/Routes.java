package org.deepforge.server.api;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;
import static org.deepforge.server.auth.Access.ADMIN;
import static org.deepforge.server.auth.Access.PROJECT_OWNER;
import static org.deepforge.server.auth.Access.PROJECT_READ;
import static org.deepforge.server.auth.Access.PROJECT_WRITE;
import static org.deepforge.server.auth.Access.PUBLIC;
import static org.deepforge.server.auth.Access.SESSION;
import static org.deepforge.server.auth.Access.USER;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.deepforge.model.Json;

/** The HTTP surface in one table; every row passes the authorisation filter with its access level. */
public final class Routes {
    private Routes() {}

    public static List<Route> table(ProjectsApi projects, ModelApi model, HistoryApi history, AccountApi account,
                                    AdminApi admin, MembersApi members,
                                    OperationsApi operations, ExecutionsApi executions, ArtifactsApi artifacts,
                                    ArchitecturesApi architectures, ExamplesApi examples, SecretsApi secrets, GitApi git,
                                    RetentionApi retention, SessionsApi sessions, LibrariesApi libraries) {
        String p = "/api/v1/projects/{project}";
        String s = "/api/v1/sessions/{session}";
        // the document describes this very table, so it is asked for the table once it exists
        AtomicReference<List<Route>> table = new AtomicReference<>();
        OpenApi openApi = new OpenApi(table::get);
        table.set(List.of(
                new Route(GET, "/api/v1/health", PUBLIC, ctx -> ctx.json(Json.MAPPER.createObjectNode().put("status", "ok"))),
                new Route(GET, "/api/v1/openapi.json", PUBLIC, openApi::serve),
                new Route(GET, "/api/v1/auth/options", PUBLIC, account::options),
                new Route(POST, "/api/v1/auth/signup", PUBLIC, account::signup),
                new Route(POST, "/api/v1/auth/login", PUBLIC, account::login),
                new Route(POST, "/api/v1/auth/logout", USER, account::logout),
                new Route(GET, "/api/v1/me", USER, account::me),
                new Route(PUT, "/api/v1/me/password", USER, account::changePassword),
                new Route(GET, "/api/v1/me/tokens", USER, account::tokens),
                new Route(POST, "/api/v1/me/tokens", USER, account::createToken),
                new Route(DELETE, "/api/v1/me/tokens/{token}", USER, account::revokeToken),

                new Route(GET, "/api/v1/admin/users", ADMIN, admin::users),
                new Route(POST, "/api/v1/admin/users", ADMIN, admin::create),
                new Route(POST, "/api/v1/admin/users/{user}/disable", ADMIN, admin::disable),
                new Route(POST, "/api/v1/admin/users/{user}/enable", ADMIN, admin::enable),
                new Route(DELETE, "/api/v1/admin/users/{user}", ADMIN, admin::delete),
                new Route(GET, "/api/v1/admin/audit", ADMIN, admin::audit),

                new Route(GET, "/api/v1/projects", USER, projects::list),
                new Route(POST, "/api/v1/projects", USER, projects::create),
                new Route(POST, "/api/v1/projects/import", USER, projects::importBundle),
                new Route(GET, p, PROJECT_READ, projects::get),
                new Route(PATCH, p, PROJECT_WRITE, projects::update),
                new Route(DELETE, p, PROJECT_OWNER, projects::delete),
                new Route(GET, p + "/export", PROJECT_READ, projects::export),
                new Route(GET, p + "/members", PROJECT_READ, members::list),
                new Route(PUT, p + "/members/{user}", PROJECT_OWNER, members::put),
                new Route(DELETE, p + "/members/{user}", PROJECT_OWNER, members::delete),
                new Route(PUT, p + "/visibility", PROJECT_OWNER, members::visibility),

                new Route(GET, p + "/model", PROJECT_READ, model::model),
                new Route(POST, p + "/branches/{branch}/changes", PROJECT_WRITE, model::change),

                new Route(GET, p + "/branches", PROJECT_READ, history::branches),
                new Route(POST, p + "/branches", PROJECT_WRITE, history::createBranch),
                new Route(DELETE, p + "/branches/{branch}", PROJECT_WRITE, history::deleteBranch),
                new Route(GET, p + "/tags", PROJECT_READ, history::tags),
                new Route(POST, p + "/tags", PROJECT_WRITE, history::createTag),
                new Route(DELETE, p + "/tags/{tag}", PROJECT_WRITE, history::deleteTag),
                new Route(GET, p + "/commits", PROJECT_READ, history::commits),
                new Route(GET, p + "/history", PROJECT_READ, history::history),
                new Route(POST, p + "/branches/{branch}/checkpoint", PROJECT_WRITE, history::checkpoint),
                new Route(GET, p + "/diff", PROJECT_READ, history::diff),
                new Route(POST, p + "/merge", PROJECT_WRITE, history::merge),
                new Route(POST, p + "/revert", PROJECT_WRITE, history::revert),

                new Route(GET, "/api/v1/catalog/operations", USER, operations::catalog),
                new Route(GET, "/api/v1/catalog/layers", USER, architectures::catalog),
                new Route(GET, "/api/v1/libraries", USER, libraries::list),
                new Route(GET, "/api/v1/libraries/{library}/kinds/{kind}/catalog", USER, libraries::catalog),
                new Route(GET, p + "/libraries", PROJECT_READ, libraries::ofProject),
                new Route(POST, p + "/libraries", PROJECT_WRITE, libraries::add),
                new Route(DELETE, p + "/libraries/{library}", PROJECT_WRITE, libraries::remove),
                new Route(POST, p + "/libraries/{library}/upgrade", PROJECT_WRITE, libraries::upgrade),
                new Route(GET, "/api/v1/examples", USER, examples::list),
                new Route(POST, "/api/v1/examples/{example}", USER, examples::create),
                new Route(GET, p + "/pipelines/{pipeline}/export", PROJECT_READ, examples::exportPipeline),
                new Route(GET, p + "/architectures/{architecture}/analysis", PROJECT_READ, architectures::analysis),
                new Route(GET, p + "/architectures/{architecture}/code", PROJECT_READ, architectures::code),
                new Route(POST, p + "/analysis/architecture", PROJECT_READ, architectures::analyzeUnsaved),
                new Route(PATCH, p + "/analysis/architecture/{analysis}", PROJECT_READ, architectures::analyzeChange),
                new Route(POST, p + "/architectures/import", PROJECT_WRITE, architectures::importModel),
                new Route(POST, p + "/architectures/{architecture}/onnx", PROJECT_WRITE, architectures::onnx),
                new Route(GET, "/api/v1/compute/adapters", USER, executions::computeAdapters),
                new Route(GET, "/api/v1/storage/adapters", USER, executions::storageAdapters),
                new Route(GET, "/api/v1/compute/{adapter}/status", USER, executions::computeStatus),
                new Route(GET, "/api/v1/secrets", USER, secrets::list),
                new Route(GET, "/api/v1/secret-kinds", USER, secrets::kinds),
                new Route(PUT, "/api/v1/secrets/{name}", USER, secrets::put),
                new Route(DELETE, "/api/v1/secrets/{name}", USER, secrets::delete),
                new Route(POST, p + "/branches/{branch}/operations", PROJECT_WRITE, operations::create),
                new Route(POST, p + "/branches/{branch}/operations/{name}/rename", PROJECT_WRITE, operations::rename),
                new Route(DELETE, p + "/branches/{branch}/operations/{name}", PROJECT_WRITE, operations::delete),
                new Route(POST, p + "/branches/{branch}/operations/{name}/interface", PROJECT_WRITE, operations::editInterface),
                new Route(GET, p + "/operations/{name}/requirements", PROJECT_READ, operations::requirements),
                new Route(GET, p + "/operations/observed-types", PROJECT_READ, executions::observedTypes),
                new Route(POST, p + "/analysis/parse", PROJECT_READ, operations::parse),
                new Route(GET, p + "/pipelines/{pipeline}/problems", PROJECT_READ, operations::problems),

                new Route(POST, p + "/pipelines/{pipeline}/executions", PROJECT_WRITE, executions::run),
                new Route(GET, p + "/executions", PROJECT_READ, executions::list),
                new Route(GET, p + "/executions/compare", PROJECT_READ, executions::compare),
                new Route(GET, "/api/v1/executions/{execution}", PROJECT_READ, executions::get, executions::projectOf),
                new Route(GET, "/api/v1/executions/{execution}/jobs/{job}/log", PROJECT_READ, executions::log, executions::projectOf),
                new Route(GET, "/api/v1/executions/{execution}/jobs/{job}/metrics", PROJECT_READ, executions::metrics, executions::projectOf),
                new Route(GET, "/api/v1/executions/{execution}/jobs/{job}/metrics.csv", PROJECT_READ, executions::metricsCsv, executions::projectOf),
                new Route(GET, "/api/v1/executions/{execution}/jobs/{job}/plots", PROJECT_READ, executions::plots, executions::projectOf),
                new Route(POST, "/api/v1/executions/{execution}/cancel", PROJECT_WRITE, executions::cancel, executions::projectOf),
                new Route(POST, "/api/v1/executions/{execution}/rerun", PROJECT_WRITE, executions::rerun, executions::projectOf),
                new Route(GET, "/api/v1/executions/{execution}/since", PROJECT_READ, executions::since, executions::projectOf),
                new Route(DELETE, "/api/v1/executions/{execution}", PROJECT_WRITE, retention::deleteOne, retention::projectOf),
                new Route(POST, p + "/executions/delete", PROJECT_WRITE, retention::deleteMany),
                new Route(GET, p + "/retention", PROJECT_READ, retention::policy),
                new Route(PUT, p + "/retention", PROJECT_WRITE, retention::setPolicy),
                new Route(POST, p + "/retention/apply", PROJECT_WRITE, retention::apply),

                new Route(GET, p + "/artifacts", PROJECT_READ, artifacts::list),
                new Route(POST, p + "/branches/{branch}/artifacts", PROJECT_WRITE, artifacts::upload),
                new Route(DELETE, p + "/branches/{branch}/artifacts/{artifact}", PROJECT_WRITE, artifacts::delete),
                new Route(GET, p + "/artifacts/{artifact}/data", PROJECT_READ, artifacts::download),
                new Route(GET, p + "/artifacts/{artifact}/lineage", PROJECT_READ, artifacts::lineage),
                new Route(GET, p + "/artifacts/{artifact}/preview", PROJECT_READ, artifacts::preview),
                new Route(GET, p + "/artifacts/{artifact}/preview/slice", PROJECT_READ, artifacts::previewSlice),
                new Route(POST, p + "/artifacts/{artifact}/pipeline", PROJECT_WRITE, artifacts::openAsPipeline),
                new Route(POST, p + "/artifacts/{artifact}/reproduce", PROJECT_WRITE, artifacts::reproduce),
                new Route(GET, p + "/artifacts/{artifact}/reproduction", PROJECT_READ, artifacts::reproduction),
                new Route(POST, p + "/branches/{branch}/artifacts/import", PROJECT_WRITE, artifacts::importExisting),

                // interactive sessions (docs/sessions.md): a {session} is its owner's, and its project's writers' when shared
                new Route(POST, p + "/sessions", PROJECT_WRITE, sessions::start),
                new Route(GET, p + "/sessions", PROJECT_READ, sessions::list),
                new Route(GET, s, SESSION, sessions::get),
                new Route(DELETE, s, SESSION, sessions::stop),
                new Route(POST, s + "/interrupt", SESSION, sessions::interrupt),
                new Route(POST, s + "/restart", SESSION, sessions::restart),
                new Route(PUT, s + "/sharing", SESSION, sessions::sharing),
                new Route(POST, s + "/cells", SESSION, sessions::execute),
                new Route(GET, s + "/cells", SESSION, sessions::cells),
                new Route(GET, s + "/cells/{cell}", SESSION, sessions::cell),
                new Route(POST, s + "/artifacts", SESSION, sessions::load),
                new Route(POST, s + "/explore", SESSION, sessions::explore),
                new Route(POST, s + "/trainings", SESSION, sessions::train),
                new Route(GET, s + "/trainings", SESSION, sessions::trainings),
                new Route(POST, s + "/saves", SESSION, sessions::save),
                new Route(GET, "/api/v1/catalogs/training", USER, sessions::trainingCatalog),

                // git clone/fetch over smart HTTP; {project} may end in ".git"; {service}: git-upload-pack (git-receive-pack is refused)
                new Route(GET, "/git/{project}/info/refs", PROJECT_READ, git::infoRefs, GitApi::project),
                new Route(POST, "/git/{project}/{service}", PROJECT_READ, git::service, GitApi::project)));
        return table.get();
    }
}
