"""The page's vis-network options (``viz.payload.vis_options``): those pyvis gives for the network (as the page
made them before, with the nodes and edges in pyvis's model), and kept in the loader's cache within
``kept_layouts`` so that an edited build does not import pyvis."""
from __future__ import annotations

import json

import pytest
from support import DictCache

from cppcc_kg.viz import layout, payload


def old_vis_network(nodes, edges, *, seed, physics):
    """The page's vis-network model as it was made before the options were kept (the oracle)."""
    from pyvis.network import Network
    from pyvis.options import Layout

    busy = len(nodes) > payload._BUSY
    net = Network(directed=True, cdn_resources="in_line")
    net.nodes, net.edges = nodes, edges
    net.node_ids = [v["id"] for v in nodes]
    net.node_map = {v["id"]: v for v in nodes}
    net.options.layout = Layout(randomSeed=seed, improvedLayout=False)
    net.options.layout.hierarchical.enabled = False
    net.options.physics.enabled = bool(physics)
    net.options.physics.use_force_atlas_2based({
        "gravity": -100, "central_gravity": 0.015, "spring_length": 110, "spring_strength": 0.05,
        "damping": 0.4, "overlap": 0.8})
    net.options.physics.stabilization.iterations = 250
    net.options.physics.stabilization.updateInterval = 50
    net.options.physics.stabilization.fit = True
    net.options.edges.smooth.enabled = False
    net.options.edges.smooth.type = "continuous"
    net.options.edges.color.inherit = False
    net.options.interaction.hideEdgesOnDrag = busy
    net.options.interaction.hideEdgesOnZoom = busy
    nodes_out, edges_out, _heading, _h, _w, options_json = net.get_network_data()
    options = json.loads(options_json)
    options["interaction"].update({"hover": True, "tooltipDelay": 200, "multiselect": False,
                                   "navigationButtons": False, "keyboard": False})
    options["edges"].update({"width": 1.4, "selectionWidth": 2, "hoverWidth": 1.5,
                             "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                             "arrowStrikethrough": False})
    options["nodes"] = {"borderWidth": 1.5, "borderWidthSelected": 3, "size": 14,
                        "font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
                        "widthConstraint": {"maximum": 320}, "scaling": {"label": {"enabled": False}}}
    if busy:
        options["edges"]["arrows"]["to"]["enabled"] = False
    return {"nodes": nodes_out, "edges": edges_out, "options": options}


def _refuse(*args, **kwargs):
    raise AssertionError("pyvis would have been asked")


@pytest.mark.parametrize("n, seed, physics", [(3, 0, True), (3, 5, False), (payload._BUSY + 1, 0, False)])
def test_the_options_are_pyvis_ones_and_kept(n, seed, physics, monkeypatch):
    nodes = [{"id": i, "label": str(i), "x": 0.0, "y": float(i)} for i in range(n)]
    edges = [{"id": 0, "from": 0, "to": 1, "arrows": "to"}]
    want = old_vis_network(nodes, edges, seed=seed, physics=physics)
    assert payload.vis_network(nodes, edges, seed=seed, physics=physics) == want
    cache = DictCache()
    with layout.kept_layouts(cache, "code"):
        assert payload.vis_network(nodes, edges, seed=seed, physics=physics) == want
    assert len(cache.entries) == 1
    monkeypatch.setattr(payload, "_pyvis_options", _refuse)
    with layout.kept_layouts(cache, "code"):
        got = payload.vis_network(nodes, edges, seed=seed, physics=physics)
    assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)
    with pytest.raises(AssertionError), layout.kept_layouts(cache, "other code"):
        payload.vis_network(nodes, edges, seed=seed, physics=physics)
    with pytest.raises(AssertionError), layout.kept_layouts(cache, "code"):
        payload.vis_network(nodes, edges, seed=seed + 1, physics=physics)
