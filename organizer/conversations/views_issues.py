"""The issues people raise: list, rename, merge."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from organizer.auth.models import Role
from organizer.auth.permissions import require_role
from organizer.conversations import services
from organizer.conversations.forms import IssueForm, MergeIssuesForm, RenameIssueForm
from organizer.conversations.models import Issue
from organizer.conversations.views_common import _get
from organizer.extensions import db
from organizer.kernel.routes import Routes
from organizer.kernel.unit_of_work import commit

routes = Routes()


# --- Issues ----------------------------------------------------------------------------------------------


@routes.route("/issues", methods=["GET", "POST"])
@require_role(Role.ORGANIZER, Role.LEADER)
def issues():
    """The shared vocabulary of issues: add, rename, merge."""
    form = IssueForm(prefix="new")
    merge_form = MergeIssuesForm(prefix="merge", formdata=None)
    if form.validate_on_submit():
        issue = services.get_or_create_issue(form.name.data)
        commit()
        flash(_("Issue “%(name)s” is in the vocabulary.", name=issue.name), "success")
        return redirect(url_for("conversations.issues"))
    return _issues_page(form, merge_form)


def _issues_page(form, merge_form, status: int = 200):
    vocabulary = services.all_issues()
    choices = [(issue.id, issue.name) for issue in vocabulary]
    merge_form.source_id.choices = merge_form.target_id.choices = choices
    return (
        render_template(
            "conversations/issues.html",
            vocabulary=vocabulary,
            usage=services.issue_usage(),
            form=form,
            merge_form=merge_form,
            rename_form=RenameIssueForm,
        ),
        status,
    )


@routes.route("/issues/<int:issue_id>/rename", methods=["POST"])
@require_role(Role.ORGANIZER)
def rename_issue(issue_id: int):
    """Rename an issue everywhere it is tagged."""
    issue = _get(Issue, issue_id)
    form = RenameIssueForm(prefix=f"r{issue_id}")
    if not form.validate_on_submit():
        flash(_("Give the issue a name."), "error")
        return redirect(url_for("conversations.issues"))
    try:
        services.rename_issue(issue, form.name.data)
    except services.ConversationError:
        db.session.rollback()
        flash(_("Another issue already has this name: merge them instead."), "error")
        return redirect(url_for("conversations.issues"))
    commit()
    flash(_("Issue renamed."), "success")
    return redirect(url_for("conversations.issues"))


@routes.route("/issues/merge", methods=["POST"])
@require_role(Role.ORGANIZER)
def merge_issues():
    """Fold one issue into another, moving every tag."""
    merge_form = MergeIssuesForm(prefix="merge")
    merge_form.source_id.choices = merge_form.target_id.choices = [(i.id, i.name) for i in services.all_issues()]
    if not merge_form.validate_on_submit():
        return _issues_page(IssueForm(prefix="new", formdata=None), merge_form, 400)
    source, target = _get(Issue, merge_form.source_id.data), _get(Issue, merge_form.target_id.data)
    name = source.name
    services.merge_issues(source, target)
    commit()
    flash(_("“%(source)s” merged into “%(target)s”.", source=name, target=target.name), "success")
    return redirect(url_for("conversations.issues"))
