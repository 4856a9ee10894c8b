"""The resident list's selections: bulk actions on ticked residents or every result, and saved searches."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from organizer.auth import records
from organizer.auth.permissions import require_role
from organizer.kernel.routes import Routes
from organizer.kernel.unit_of_work import commit
from organizer.params import int_arg, int_list
from organizer.residents import lists
from organizer.residents.models import SavedSearch
from organizer.residents.views_common import ALL_ROLES, _filter_args, _filters_from, _turf_model

routes = Routes()


def _selection() -> lists.Selection:
    """The bulk form's selection: every result of its filters ("all"), or the ticked residents."""
    filters = _filters_from(request.form, tag_key="tag_filter")
    if request.form.get("scope") == "all":
        return lists.Selection(filters)
    return lists.Selection(filters, ids=int_list("resident_ids", values=request.form)[:5000])


@routes.route("/bulk", methods=["POST"])
@require_role("organizer", "leader")
def bulk():
    """A bulk action on the selection: first a confirmation with the count, then the action itself (audited)."""
    selection = _selection()
    action = request.form.get("bulk_action")
    back = url_for("residents.index", **_filter_args(selection.filters))
    if action not in lists.ACTIONS or (action in ("dnc", "export") and not current_user.has_role("organizer")):
        flash(_("Choose what to do with the selection."), "error")
        return redirect(back)
    if selection.ids is not None and not selection.ids:
        flash(_("Tick at least one resident, or choose every result of the search."), "error")
        return redirect(back)
    tag = (request.form.get("tag") or "").strip()
    turf_id = int_arg("turf_id", values=request.form)
    # A turf outside the viewer's scope is a 404, like one that does not exist (organizer.auth.records).
    turf = records.load(_turf_model(), turf_id) if turf_id else None
    if action in ("tag", "untag") and not tag:
        flash(_("Give the tag a name."), "error")
        return redirect(back)
    if action == "turf" and turf is None:
        flash(_("Choose a turf."), "error")
        return redirect(back)
    count = selection.count(current_user)
    if not request.form.get("confirm") or action == "export":
        moving = lists.turf_preview(current_user, selection, turf.id) if turf is not None else None
        return render_template(
            "residents/bulk_confirm.html",
            action=action,
            action_label=lists.ACTIONS[action],
            count=count,
            selection=selection,
            filter_args=_filter_args(selection.filters),
            tag=tag,
            turf=turf,
            moving=moving,
            back=back,
        )
    if action in ("tag", "untag"):
        done = lists.bulk_tag(current_user, selection, tag, remove=action == "untag")
    elif action == "turf":
        done = lists.bulk_add_to_turf(current_user, selection, turf)
    else:
        done = lists.bulk_do_not_contact(current_user, selection)
    commit()
    flash(ngettext("Done: %(num)d resident changed.", "Done: %(num)d residents changed.", done), "success")
    return redirect(back)


@routes.route("/searches", methods=["POST"])
@require_role(*ALL_ROLES)
def save_search():
    """Keep the list's current filters under a name (private, or shared with the team)."""
    name = (request.form.get("name") or "").strip()
    filters = lists.clean_filters(request.form)
    if not name:
        flash(_("Give the search a name."), "error")
    else:
        search = lists.save_search(current_user, name, filters, shared=bool(request.form.get("shared")))
        commit()
        flash(_("Search “%(name)s” saved.", name=search.name), "success")
    return redirect(url_for("residents.index", **filters))


@routes.route("/searches/<int:search_id>/delete", methods=["POST"])
@require_role(*ALL_ROLES)
def delete_search(search_id: int):
    """Forget a saved search (its owner, or an admin for a shared one)."""
    search = records.load(SavedSearch, search_id)
    if not lists.delete_search(current_user, search):
        abort(404)
    commit()
    flash(_("Search deleted."), "success")
    return redirect(url_for("residents.index"))
