"""aimak_web: the aimak platform (Django): accounts, places, hearings, contests, practices...

It calls the core library ``aimak`` through its public API; the core never imports this package.
"""
