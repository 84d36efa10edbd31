class {{class}}:
    """The cells of interactive session {{session}}, as they ran there.

    Made by "Open as pipeline" from what the session recorded when it saved its result: the inputs are
    the artifacts it loaded, named as the variables they were loaded into; the cells follow in the
    order they ran; the output is the variable it saved. IPython magics and shell escapes (lines
    starting with % or !) are kept as comments, and the one-line df.load/df.explore/df.save/df.train
    calls the Workspace page sent are left out (the inputs stand for the loads).
    """

    def execute(self{{parameters}}):
{{cells}}
        return {{output}}
