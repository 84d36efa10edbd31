package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deepforge.server.ui.Browser.testId;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.deepforge.server.security.Agent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** Accounts mode in the browser: sign-up, sign-in, sharing read-only, personal tokens, administration. */
class AccountsUiTest extends UiTestBase {
    static final String PW = "correct horse battery";

    /** Shadows UiTestBase's: this class needs a server in accounts mode with sign-up open. */
    @BeforeAll
    static void start() throws Exception {
        server = Agent.accountsServer(true, "root", PW);
    }

    static void signUp(Browser ui, String name) {
        ui.waitFor("login-page");
        ui.click("login-toggle");
        ui.type("login-name", name);
        ui.type("login-password", PW);
        ui.type("login-repeat", PW);
        ui.click("login-submit");
        ui.until("the account bar to name " + name, d -> d.findElements(testId("account-name")).stream()
                .anyMatch(e -> e.getText().equals(name)));
    }

    @Test
    void signUpShareReadOnlyAndUseARevocableToken() throws Exception {
        Browser olivia = browser().open("/");
        signUp(olivia, "olivia");
        Browser rita = browser().open("/");
        signUp(rita, "rita");

        // olivia creates a project: she is its owner
        olivia.type("new-project-name", "Shared work");
        olivia.click("new-project-create");
        olivia.waitFor("place-pipelines"); // a new project opens at once
        olivia.click("home-link");
        WebElement row = olivia.waitForRow("project-row", "Shared work");
        String id = row.getDomAttribute("data-project-id");
        By thisRow = By.cssSelector("[data-testid='project-row'][data-project-id='" + id + "']");
        assertThat(row.findElement(testId("project-role")).getText()).isEqualTo("owner");

        // and shares it read-only with rita
        olivia.clickIn(thisRow, "project-share");
        olivia.waitFor("sharing-dialog");
        olivia.type("share-user", "rita");
        new Select(olivia.waitFor("share-role")).selectByValue("reader");
        olivia.click("share-add");
        olivia.waitForRow("member-row", "rita");
        olivia.screenshot(SCREENSHOTS.resolve(testName + "-sharing.png"));
        olivia.click("sharing-close");
        olivia.waitGone("sharing-dialog");

        // rita sees it, as a reader: renaming and deleting are not offered, the workbench says she can only read
        rita.reload();
        WebElement theirs = rita.waitForRow("project-row", "Shared work");
        assertThat(theirs.findElement(testId("project-role")).getText()).isEqualTo("reader");
        assertThat(theirs.findElement(testId("project-rename")).isEnabled()).isFalse();
        assertThat(theirs.findElement(testId("project-delete")).isEnabled()).isFalse();
        rita.clickIn(thisRow, "project-open");
        assertThat(rita.waitFor("reader-banner").getText()).contains("reader");
        rita.waitFor("place-pipelines");
        // an edit she tries anyway is refused, visibly, and changes nothing
        rita.click("new-entry");
        rita.type("new-entry-name", "Not mine");
        rita.click("new-entry-create");
        assertThat(rita.waitForToast("reader")).contains("writer rights");
        rita.screenshot(SCREENSHOTS.resolve(testName + "-reader.png"));
        assertThat(server.dataDir).isNotNull();
        assertThat(olivia.texts("project-row")).noneMatch(t -> t.contains("Not mine"));

        // olivia makes a write token on her account page; it is shown once
        olivia.click("account-link");
        olivia.waitFor("account-page");
        olivia.type("token-name", "laptop script");
        new Select(olivia.waitFor("token-scope")).selectByValue("write");
        olivia.click("token-create");
        String token = olivia.waitFor("token-value").getText();
        assertThat(token).startsWith("dft_");
        olivia.waitFor("token-copy");
        olivia.screenshot(SCREENSHOTS.resolve(testName + "-token.png"));

        // a script uses it
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects")))
                .header("Authorization", "Bearer " + token).build();
        HttpResponse<String> before = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(before.body()).contains("Shared work");

        // revoked in the page, it stops working
        olivia.clickIn("token-row", "laptop script", "token-revoke");
        olivia.waitFor("token-revoked");
        assertThat(olivia.texts("token-value")).isEmpty();
        HttpResponse<String> after = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).doesNotContain("Shared work");

        // signing out shows the sign-in page again
        olivia.click("sign-out");
        olivia.waitFor("login-page");
        assertThat(olivia.errorToasts()).isEmpty();
    }

    @Test
    void anAdministratorManagesUsersAndReadsTheAuditLog() throws Exception {
        Browser admin = browser().open("/");
        admin.waitFor("login-page");
        admin.type("login-name", "root");
        admin.type("login-password", "not the password");
        admin.click("login-submit");
        assertThat(admin.waitFor("login-error").getText()).contains("wrong user name or password");
        admin.type("login-password", PW);
        admin.click("login-submit");
        admin.click("admin-link");
        admin.waitFor("admin-page");
        admin.type("user-name", "carol");
        admin.type("user-password", "carols password 1");
        admin.click("user-create");
        admin.waitForRow("user-row", "carol");
        admin.clickIn("user-row", "carol", "user-disable");
        admin.until("carol to be disabled", d -> admin.findRow("user-row", "carol") != null
                && admin.findRow("user-row", "carol").findElement(testId("user-status")).getText().equals("disabled"));
        admin.reload();
        admin.waitForRow("audit-row", "user.disabled");
        admin.waitForRow("audit-row", "login.failed");
        admin.screenshot(SCREENSHOTS.resolve(testName + "-admin.png"));
        screenshotTaken = true;
        assertThat(admin.errorToasts()).isEmpty();
    }
}
