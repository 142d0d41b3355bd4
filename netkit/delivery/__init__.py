"""Did the shift happen, and is the partnership still right? Delivery follows an opportunity
after the plan is agreed: monthly actuals against the planned trajectory, read the way NHS boards
read performance (statistical process control as NHS England's "Making Data Count" draws it, in
`netkit.delivery.spc`), the achieved shift separated from changes in demand, and the gain-share
settled on what happened. It sits beside `netkit.tracking`, which keeps the partner set current.
"""

__all__: list[str] = []
