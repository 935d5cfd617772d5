"""Board pages: load, check, call a service, render."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from council.core.i18n import gettext as _
from council.platform.board import services
from council.platform.board.forms import HideForm, ReplyForm, ReportForm, ThreadForm, TitleForm, TopicForm
from council.platform.board.models import Post, Thread, Topic
from council.platform.database import db
from council.platform.guarding import accepted
from council.security.forms import ConfirmForm


def _get(model, id_: int):
    return db.session.get(model, id_) or abort(404)


def index():
    return render_template("board/index.html", topics=services.topics(), topic_form=TopicForm())


def new_topic():
    form = TopicForm()
    if accepted(form, where="board.topic"):
        topic = services.save_topic(actor=current_user, topic=None, name=form.name.data,
                                    description=form.description.data or "", position=form.position.data or 0)
        return redirect(url_for("board.topic", topic_id=topic.id))
    return render_template("board/index.html", topics=services.topics(), topic_form=form)


def topic(topic_id: int):
    item = _get(Topic, topic_id)
    return render_template("board/topic.html", topic=item, threads=services.threads_of(item),
                           moderator=services.is_moderator(current_user))


def new_thread(topic_id: int):
    item = _get(Topic, topic_id)
    form = ThreadForm()
    if accepted(form, where="board.thread"):
        try:
            thread = services.start_thread(actor=current_user, topic=item, title=form.title.data, body=form.body.data,
                                           announcement=form.announcement.data)
        except services.BoardError as error:
            form.announcement.errors = [*form.announcement.errors, str(error)]
        else:
            return redirect(url_for("board.thread", thread_id=thread.id))
    return render_template("board/new_thread.html", topic=item, form=form,
                           moderator=services.is_moderator(current_user))


def _thread_page(thread: Thread, reply_form: ReplyForm | None = None, title_form: TitleForm | None = None, *,
                 report_form: ReportForm | None = None, hide_form: HideForm | None = None):
    return render_template("board/thread.html", thread=thread, topic=db.session.get(Topic, thread.topic_id),
                           reply_form=reply_form or ReplyForm(), report_form=report_form or ReportForm(),
                           hide_form=hide_form or HideForm(),
                           title_form=title_form or TitleForm(title=thread.title),
                           moderator=services.is_moderator(current_user), form=ConfirmForm())


def thread(thread_id: int):
    return _thread_page(_get(Thread, thread_id))


def reply(thread_id: int):
    item = _get(Thread, thread_id)
    form = ReplyForm()
    if accepted(form, where="board.reply"):
        try:
            services.reply(actor=current_user, thread=item, body=form.body.data)
        except services.BoardError as error:
            form.form_errors.append(str(error))
        else:
            return redirect(url_for("board.thread", thread_id=item.id))
    return _thread_page(item, form)


def report(post_id: int):
    post = _get(Post, post_id)
    form = ReportForm()
    if accepted(form, where="board.report"):
        services.report(actor=current_user, post=post, reason=form.reason.data)
        flash(_("Thank you. The moderators will look at this post."), "success")
        return redirect(url_for("board.thread", thread_id=post.thread_id))
    # Every post has its own report form: the refused one is found by the id of its reason field.
    form.reason.id = form.reason.label.field_id = f"report-{post.id}"
    return _thread_page(_get(Thread, post.thread_id), report_form=form)


def moderation():
    return _moderation_page(HideForm())


def _moderation_page(hide_form: HideForm):
    return render_template("board/moderation.html", reports=services.open_reports(), hide_form=hide_form,
                           form=ConfirmForm())


def hide(post_id: int):
    post = _get(Post, post_id)
    form = HideForm()
    if accepted(form, where="board.hide"):
        services.hide(actor=current_user, post=post, reason=form.reason.data)
        flash(_("The post's text was removed."), "success")
        return redirect(url_for("board.thread", thread_id=post.thread_id))
    # A refusal is shown on the page the moderator came from, at the post's own form.
    form.reason.id = form.reason.label.field_id = f"hide-{post.id}"
    if request.args.get("back") == "moderation":
        return _moderation_page(form)
    return _thread_page(_get(Thread, post.thread_id), hide_form=form)


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def keep(post_id: int):
    post = _get(Post, post_id)
    _confirmed()
    services.keep(actor=current_user, post=post)
    flash(_("The reports were closed; the post stays."), "success")
    return redirect(url_for("board.moderation"))


def lock(thread_id: int):
    item = _get(Thread, thread_id)
    _confirmed()
    services.set_locked(actor=current_user, thread=item, locked=True)
    return redirect(url_for("board.thread", thread_id=item.id))


def unlock(thread_id: int):
    item = _get(Thread, thread_id)
    _confirmed()
    services.set_locked(actor=current_user, thread=item, locked=False)
    return redirect(url_for("board.thread", thread_id=item.id))


def rename(thread_id: int):
    item = _get(Thread, thread_id)
    form = TitleForm()
    if accepted(form, where="board.rename"):
        services.rename_thread(actor=current_user, thread=item, title=form.title.data)
        return redirect(url_for("board.thread", thread_id=item.id))
    return _thread_page(item, title_form=form)
