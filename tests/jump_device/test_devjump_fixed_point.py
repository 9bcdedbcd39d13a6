"""Every integer the per-sample path computes fits a 32-bit board's small int (|x| < 2**30).

fp/jump.py and fp/jump_weigh.py are re-compiled with each arithmetic operation wrapped in a check, then the
heaviest trials are fed through it: a 150 kg athlete landing at 8x body weight at 1000 SPS,
a 150 kg drop jump from 0.6 m, a 150 kg pull, and the bad cases.
"""

import ast
import pathlib
import sys
import types

import numpy as np
import pytest

import forceplate_firmware.fp.jump as jump
import forceplate_firmware.fp.jump_weigh as jump_weigh
import jumpsynth
from forceplate.device.replay import replay

SMALL_INT = 2**30


class Recorder:
    def __init__(self):
        self.largest = 0

    def __call__(self, value):
        if type(value) is int:
            if not -SMALL_INT <= value < SMALL_INT:
                raise OverflowError(f"{value} does not fit a 31-bit small int")
            self.largest = max(self.largest, abs(value))
        return value


class _Wrap(ast.NodeTransformer):
    def _chk(self, node):
        return ast.copy_location(
            ast.Call(func=ast.Name("_chk", ast.Load()), args=[node], keywords=[]), node)

    def visit_BinOp(self, node):
        self.generic_visit(node)
        return self._chk(node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        return self._chk(node)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        load = ast.parse(ast.unparse(node.target), mode="eval").body
        value = self._chk(ast.BinOp(left=load, op=node.op, right=node.value))
        return ast.copy_location(ast.Assign(targets=[node.target], value=value), node)


def compile_checked(source_module, recorder):
    tree = _Wrap().visit(ast.parse(pathlib.Path(source_module.__file__).read_text()))
    ast.fix_missing_locations(tree)
    module = types.ModuleType(source_module.__name__ + "_checked")
    module.__dict__["_chk"] = recorder
    exec(compile(tree, module.__name__, "exec"), module.__dict__)
    return module


@pytest.fixture(scope="module")
def checked():
    """fp.jump and its base fp.jump_weigh compiled with a range check on every operation."""
    recorder = Recorder()
    weigh = compile_checked(jump_weigh, recorder)
    saved = sys.modules[jump_weigh.__name__]
    sys.modules[jump_weigh.__name__] = weigh    # the checked jump imports the checked base
    try:
        module = compile_checked(jump, recorder)
    finally:
        sys.modules[jump_weigh.__name__] = saved
    assert issubclass(module.JumpAnalyser, weigh.Weighing)
    return module, recorder


def feed_checked(checked, force_n, rate, test, options=None):
    module, _ = checked
    events, results = [], []
    analyser = module.JumpAnalyser(lambda *e: events.append(e), lambda t, r: results.append(r),
                                   max_rate_hz=max(1000, rate))
    rep = replay(force_n, rate, test, options, analyser=analyser)
    return events, results, rep


def sampled(trial, rate, noise=3.0):
    return trial.sample(rate, "point", noise)[1][1:]


HEAVY = [
    ("cmj", lambda: jumpsynth.cmj(mass=150.0, jump_height=0.5, absorb_s=0.075)),
    ("dj", lambda: jumpsynth.drop_jump(mass=150.0, drop_height=0.6, contact_s=0.15)),
    ("imtp", lambda: jumpsynth.isometric_pull(mass=150.0, peak_net_n=4500.0)),
    ("cmj", lambda: jumpsynth.cmj(mass=150.0, jump_height=0.5, landing="off")),
    ("cmj", lambda: jumpsynth.double_bounce(mass=150.0)),
    ("cmj", lambda: jumpsynth.step_off(mass=150.0)),
    ("sj", lambda: jumpsynth.cmj(mass=150.0, jump_height=0.4, countermovement=False)),
]


@pytest.mark.parametrize("test,make", HEAVY, ids=[
    "cmj-8xbw-landing", "dj-0.6m", "imtp-4500n", "cmj-no-landing", "double-bounce", "step-off",
    "sj"])
@pytest.mark.parametrize("rate", [80, 1000])
def test_the_heaviest_trials_keep_every_intermediate_within_a_small_int(checked, test, make,
                                                                        rate):
    events, results, _ = feed_checked(checked, sampled(make(), rate), rate, test)
    assert events  # it ran; an out-of-range value would have raised OverflowError
    assert checked[1].largest < SMALL_INT


def test_the_heaviest_landing_really_reaches_eight_times_body_weight():
    trial = HEAVY[0][1]()
    assert trial.force.max() > 7.5 * trial.mass * jumpsynth.G


def test_the_checked_and_plain_analysers_agree(checked):
    force = sampled(jumpsynth.cmj(mass=150.0, jump_height=0.5, absorb_s=0.075), 1000)
    events, results, _ = feed_checked(checked, force, 1000, "cmj")
    plain = replay(force, 1000, "cmj")
    assert events == [(e.code, e.index, e.t_us, e.value) for e in plain.events]
    assert results == [r.entries for r in plain.results] and results


def test_a_force_beyond_the_clamp_is_held_at_33_kN(checked):
    force = np.concatenate([np.full(1500, 1470.0), np.full(200, 60000.0), np.zeros(2000)])
    feed_checked(checked, force, 1000, "cmj")
    assert checked[1].largest < SMALL_INT
