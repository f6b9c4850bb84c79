"""The Shift invariance page's parts: each mode's pooling and rows, and the sweep's chart, kept in the shared store
under a key of what they depend on and made by worker threads while the page draws. Nothing here reads a widget or
draws on the page."""

from functools import partial

from figures.invariance import before_figure, shift_chart, shift_row_view
from pooling.analysis.invariance import ShiftTest
from pooling.analysis.noise import value_range
from poolinglab.refusal import Refusal, attempt

from .cache import shared, shared_cache
from .controls import IMAGE_SIDE
from .workers import page_workers

BLURMAX = "blurmax"


@shared_cache
def shift_test(key, _planes, mode, _args):
    """The image pooled once by ``mode``, for every shift of it that follows (``key`` names image, layer, mode).

    One entry per mode and size: the rows' image and the chart's centre are one entry when they are the same pixels.
    Each holds the pooled image in float64, 0.4 MB for a 256 px centre at stride 2, 1.5 MB at stride 1.
    """
    return ShiftTest.of(_planes, mode, **_args)


@shared_cache
def mode_panel(key, _test, shift, value_range, span):
    """The row's figure of one mode at one shift (after and difference) and its numbers.

    The before panel does not move with the shift: it is a figure of its own (:func:`before_of`), so a shift
    sends the same bytes for it, which Streamlit does not send again.
    """
    return shift_row_view(_test, shift, value_range=value_range, span=span, max_side=IMAGE_SIDE)


def test_of(base, planes, mode, args):
    """:func:`shift_test` of ``planes`` (a centre of the image named by ``base``, known by its size) and its key."""
    key = (base, "shift-test", mode, planes.shape)
    return key, shift_test(key, planes, mode, args)


def before_of(base, planes, mode, args):
    """The before panel of one mode's row: made once per image and layer. Draws nothing on the page."""
    key, test = test_of(base, planes, mode, args)
    lo, hi = value_range(planes)
    return shared((key, "before", (lo, hi)), partial(
        before_figure, test.before.values, value_range=(lo, hi), max_side=IMAGE_SIDE))


def row_of(base, planes, mode, args, shift):
    """What one mode's row shows right of its before panel at ``shift``: :func:`mode_panel` of ``planes``. Draws
    nothing on the page, so it can run in a worker thread; ``base`` is the key of the image and layer."""
    lo, hi = value_range(planes)
    key, test = test_of(base, planes, mode, args)
    return mode_panel((key, *shift), test, shift, (lo, hi), (hi - lo) / 4)


def sweep_of(base, planes, dy, stride, mode, args):
    """One mode's share unchanged and mean change for dx = 0 .. 2 * stride at this dy. Draws nothing."""
    limit = min(2 * stride, planes.shape[2] - 1)
    return _sweep((base, "shift-sweep", mode, dy, stride, planes.shape),
                  test_of(base, planes, mode, args)[1], [(dy, x) for x in range(limit + 1)])


def chart_of(base, swept, shift, stride, labels, side):
    """The chart of the modes' sweeps (``swept``: mode -> future of :func:`sweep_of` or its :class:`Refusal`): its
    figure (None when no mode could be swept), the modes' reports, and the refusals. Draws nothing on the page: its
    figure is made off the thread that draws."""
    dy, dx = shift
    done = {m: job.result() for m, job in swept.items()}
    reports = {m: r for m, r in done.items() if not isinstance(r, Refusal)}
    if not reports:
        return None, reports, done
    fig = shared((base, "shift-chart", tuple(swept), dy, dx, side), partial(
        shift_chart, {labels[m]: r for m, r in reports.items()}, axis=1, stride=stride, current=dx,
        accent=labels[BLURMAX], title=f"dy = {dy}, dx from 0 to {2 * stride}"))
    return fig, reports, done


@shared_cache
def _sweep(key, _test, shifts):
    return _test.report(shifts)


def plan_shift_parts(base, work, shift, stride, *, args, chart_args, labels):
    """Start the page's jobs on two worker threads; return each mode's ``(before, row)`` futures and the chart's.

    ``base`` names the image and the layer; ``args`` holds the layer options of each mode shown, ``chart_args``
    those of each mode on the chart (the chart always has anti-aliased max). Each job gives the core's
    :class:`Refusal` instead of raising it. The jobs are independent, worked out side by side on both cores where
    numpy and the image encoder let go of the interpreter. Small jobs, so that both threads stay busy to the
    end: first each mode's before panel, which pools the image once for the mode, then the rows, which find that
    pooling made (a row started first would wait for it), then the chart's sweeps.
    """
    work_on = page_workers("shift-lab")
    befores = {m: work_on.submit(attempt, before_of, base, work, m, a) for m, a in args.items()}
    rows = {m: (befores[m], work_on.submit(attempt, row_of, base, work, m, a, shift)) for m, a in args.items()}
    swept = {m: work_on.submit(attempt, sweep_of, base, work, shift[0], stride, m, a) for m, a in chart_args.items()}
    chart = work_on.submit(chart_of, base, swept, shift, stride, labels, work.shape)
    work_on.shutdown(wait=False)  # the jobs run on; their threads end with them
    return rows, chart
