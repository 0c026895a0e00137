class MemberResource: pass
class ApplicantResource: pass
class DuesPaymentResource: pass
