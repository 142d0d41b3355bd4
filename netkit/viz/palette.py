"""The palette's old address: it lives in `netkit.render.palette`, in the base layer, so that
pages and charts of every layer take their colours from it. New code imports it from there."""

from netkit.render.palette import *  # noqa: F401,F403
from netkit.render.palette import __all__  # noqa: F401
