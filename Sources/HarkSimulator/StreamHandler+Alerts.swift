import Foundation
import NIOCore

extension StreamHandler {
    /// Schedules the scenario's alert and notification pushes on this downchannel; each goes
    /// out once per run, on whichever downchannel is open when its time comes.
    func scheduleAlertPushes(context: ChannelHandlerContext, id: Int, boundary: String) {
        let loop = context.eventLoop.assumeIsolated()
        for (index, push) in sim.scenario.alerts.enumerated() {
            loop.scheduleTask(in: .milliseconds(Int64(push.afterMilliseconds))) {
                guard self.downchannelID == id, context.channel.isActive, self.sim.alerts.claim("alert\(index)") else { return }
                if !push.delete { self.sim.alerts.pushedSetAlert(token: push.token) }
                let text = push.directive(now: Date()).text
                self.sim.recorder.logRequest(method: "-", path: "-", status: 0, note: "pushed Alerts.\(push.delete ? "DeleteAlert" : "SetAlert") \(push.token)")
                self.writeBody(context: context, DownchannelFraming.bytes(text, raw: false, boundary: boundary))
            }
        }
        for (index, push) in sim.scenario.notifications.enumerated() {
            loop.scheduleTask(in: .milliseconds(Int64(push.afterMilliseconds))) {
                guard self.downchannelID == id, context.channel.isActive, self.sim.alerts.claim("notification\(index)") else { return }
                self.writeBody(context: context, DownchannelFraming.bytes(push.directive.text, raw: false, boundary: boundary))
            }
        }
    }
}
